#include "runtime/updown_hook.hpp"

#include <csignal>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "updown/updown_environment.hpp"
#include "updown/updown_runner.hpp"

namespace ikev2d::runtime {

namespace {

/// How often a running script is checked for output and exit besides SIGCHLD.
constexpr auto kPollInterval = std::chrono::milliseconds(20);

ike::MonoTime mono_now() {
  return std::chrono::steady_clock::now();
}

}  // namespace

struct UpdownHook::Impl {
  Impl(boost::asio::io_context& io, Logger& log)
      : logger(log),
        runner([this](ike::sa::LogLevel level, const std::string& label, const std::string& line) {
          logger.log(Subsystem::updown, level, label, line);
        }),
        child_signal(io, SIGCHLD),
        poll(io),
        deadline(io) {
    watch_children();
  }

  void watch_children() {
    child_signal.async_wait([this](const boost::system::error_code& error, int) {
      if (error) return;
      drive();
      watch_children();
    });
  }

  /// Reaps and reads; keeps polling while anything runs.
  void drive() {
    runner.reap(mono_now());
    if (runner.idle()) {
      poll.cancel();
      polling = false;
      if (on_idle) {
        auto done = std::move(on_idle);
        on_idle = nullptr;
        deadline.cancel();
        done();
      }
      return;
    }
    if (polling) return;
    polling = true;
    poll.expires_after(kPollInterval);
    poll.async_wait([this](const boost::system::error_code& error) {
      polling = false;
      if (!error) drive();
    });
  }

  Logger& logger;
  updown::UpdownRunner runner;
  boost::asio::signal_set child_signal;
  boost::asio::steady_timer poll;
  boost::asio::steady_timer deadline;
  bool polling = false;
  bool stopped = false;
  std::function<void()> on_idle;
};

UpdownHook::UpdownHook(boost::asio::io_context& io, Logger& logger)
    : impl_(std::make_unique<Impl>(io, logger)) {}

UpdownHook::~UpdownHook() = default;

std::optional<updown::UpdownJob> UpdownHook::job_for(bool up, const setup::ConnectionSetup& setup,
                                                     const ike::sa::IkeSa& sa,
                                                     const ike::sa::ChildSa& child) {
  if (setup.updown_script.empty()) return std::nullopt;
  auto event = updown::describe_child(sa, child, up, updown::interface_of(sa.local.address),
                                      setup.updown_hostaccess);
  updown::UpdownJob job;
  job.key = setup.name;
  job.label = sa.connection->name + "[" + std::to_string(sa.serial) + "]";
  job.script = setup.updown_script;
  job.environments = updown::updown_environments(event);
  job.description = std::string(up ? "up" : "down") + " script for CHILD SA '" +
                    (child.config ? child.name() : std::string()) + "'";
  return job;
}

void UpdownHook::submit(updown::UpdownJob job) {
  if (impl_->stopped) return;
  impl_->logger.log(Subsystem::updown, LogLevel::debug, job.label,
                    job.description + ": " + job.script);
  impl_->runner.submit(std::move(job), mono_now());
  impl_->drive();
}

void UpdownHook::stop(std::function<void()> done, ike::Duration limit) {
  impl_->stopped = true;
  impl_->on_idle = std::move(done);
  impl_->deadline.expires_after(limit);
  impl_->deadline.async_wait([impl = impl_.get()](const boost::system::error_code& error) {
    if (error || !impl->on_idle) return;
    impl->logger.warning(Subsystem::updown, "scripts still running at shutdown are killed");
    auto finish = std::move(impl->on_idle);
    impl->on_idle = nullptr;
    finish();
  });
  impl_->drive();
}

}  // namespace ikev2d::runtime
