#include "runtime/daemon.hpp"

#include <csignal>
#include <filesystem>
#include <system_error>

#include "runtime/updown_hook.hpp"

namespace ikev2d::runtime {

namespace asio = boost::asio;
using ike::MonoTime;

namespace {

/// How long shutdown waits for the peers to acknowledge our deletes.
constexpr auto kShutdownGrace = std::chrono::seconds(2);
/// STATUS= at most this often.
constexpr auto kStatusInterval = std::chrono::seconds(1);

MonoTime mono_now() {
  return std::chrono::steady_clock::now();
}

}  // namespace

Daemon::Daemon(RuntimeOptions options, Logger& logger)
    : options_(std::move(options)),
      logger_(logger),
      engine_timer_(io_),
      status_timer_(io_),
      shutdown_timer_(io_),
      signals_(io_),
      notifier_(SystemdNotifier::from_environment()) {}

Daemon::~Daemon() {
  // The event descriptor belongs to the XFRM driver, not to Asio.
  if (kernel_events_) kernel_events_->release();
}

ike::Status Daemon::start() {
  auto loaded = load();
  if (!loaded) return loaded.error();
  for (const auto& warning : loaded->warnings)
    logger_.warning(Subsystem::cfg, warning);

  std::error_code ignored;
  std::filesystem::create_directories(options_.runtime_dir, ignored);
  // The control socket first: it refuses to start when a live ikev2d
  // answers on it, and that daemon's SAs (same runtime directory, same
  // ownership ledger) must not be removed as leftovers. No command is
  // handled before start() returns: the loop is not running yet.
  control::ControlServerOptions control_options;
  control_options.socket_path = options_.control_socket().string();
  control_options.log = [this](const std::string& line) { logger_.warning(Subsystem::ctl, line); };
  control_ = std::make_unique<control::ControlServer>(io_, *this, std::move(control_options));
  if (auto listening = control_->start(); !listening) {
    return ike::make_error(
        listening.error().code,
        "control socket " + options_.control_socket().string() + ": " + listening.error().reason);
  }
  xfrm::XfrmOptions xfrm_options;
  xfrm_options.ownership_ledger = options_.ownership_ledger();
  xfrm_options.log = [this](std::string_view line) { logger_.info(Subsystem::knl, line); };
  auto kernel = xfrm::XfrmKernel::open(std::move(xfrm_options));
  if (!kernel) return ike::make_error(kernel.error().code, "XFRM: " + kernel.error().reason);
  kernel_ = std::move(*kernel);
  // What a crashed predecessor installed must not linger (xfrm_kernel.hpp).
  if (auto removed = kernel_->remove_owned(); !removed) {
    logger_.warning(Subsystem::knl,
                    "removing leftovers of a previous run: " + removed.error().reason);
  }
  if (auto opened = open_shards(*loaded); !opened) return opened;
  if (auto opened = open_sockets(); !opened) return opened;
  watch_kernel_events();

  updown_ = std::make_unique<UpdownHook>(io_, logger_);

  ReloadPlan plan = plan_reload({}, loaded->connections);
  apply(plan, *loaded, /*starting=*/true);
  config_ = std::move(*loaded);
  index_configuration();
  watch_signals();
  after_input();
  logger_.info(Subsystem::cfg, "ikev2d started: " + std::to_string(config_.connections.size()) +
                                   " connection(s) loaded");
  last_status_text_ = status_text(0, 0);
  if (auto sent = notifier_.notify("READY=1\nSTATUS=" + last_status_text_); !sent) {
    logger_.warning(Subsystem::ctl, sent.error().reason);
  }
  return {};
}

int Daemon::run() {
  while (!stopped_) {
    try {
      io_.run();
      break;
    } catch (const std::exception& error) {
      // No exception may cross a handler (STYLE.md 8); if one does, log it
      // and keep serving rather than leave SAs behind.
      logger_.error(Subsystem::net,
                    std::string("unexpected exception in the loop: ") + error.what());
    }
  }
  return exit_code_;
}

MonoTime Daemon::begin_input() {
  auto wall = std::chrono::system_clock::now();
  for (std::size_t i = 0; i < shards_->size(); ++i)
    (*shards_)[i].set_wall_time(wall);
  return mono_now();
}

void Daemon::after_input() {
  if (!shards_) return;
  for (std::size_t i = 0; i < shards_->size(); ++i)
    send_output(i);
  process_pending_events();
  rearm_timer();
  update_status(mono_now());
  if (stopping_ && count_ike_sas() == 0) finish_shutdown();
}

void Daemon::rearm_timer() {
  if (stopped_) return;
  std::optional<MonoTime> deadline;
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    auto due = engine(i).next_deadline();
    if (due && (!deadline || *due < *deadline)) deadline = due;
  }
  if (!down_waits_.empty()) {
    for (const auto& wait : down_waits_) {
      if (!deadline || wait.deadline < *deadline) deadline = wait.deadline;
    }
  }
  if (deadline == armed_for_) return;
  armed_for_ = deadline;
  if (!deadline) {
    engine_timer_.cancel();
    return;
  }
  engine_timer_.expires_at(*deadline);
  engine_timer_.async_wait([this, armed = *deadline](const boost::system::error_code& error) {
    if (error || stopped_ || armed_for_ != armed) return;
    armed_for_.reset();
    on_timer();
  });
}

void Daemon::on_timer() {
  MonoTime now = begin_input();
  // Rekeys and retransmits of many SAs fall due together: each shard's on
  // its own thread.
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    auto deadline = engine(i).next_deadline();
    if (deadline && *deadline <= now) due.push_back(i);
  }
  shards_->run(due, [&](std::size_t shard) {
    engine(shard).handle_timeout(now);
    send_output(shard);
  });
  check_down_waits(now);
  after_input();
}

void Daemon::update_status(MonoTime now) {
  for (auto& outbox : outboxes_) {
    status_dirty_ = status_dirty_ || outbox.status_dirty;
    outbox.status_dirty = false;
  }
  if (!notifier_.enabled() || !status_dirty_ || status_timer_armed_) return;
  // Counting walks every SA, and systemd needs no flood: at most once per
  // interval; what changed meanwhile goes out when the interval ends.
  if (last_status_at_ && now < *last_status_at_ + kStatusInterval) {
    status_timer_armed_ = true;
    status_timer_.expires_at(*last_status_at_ + kStatusInterval);
    status_timer_.async_wait([this](const boost::system::error_code& error) {
      status_timer_armed_ = false;
      if (!error && !stopped_) update_status(mono_now());
    });
    return;
  }
  std::size_t ike_count = 0, child_count = 0;
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    for (const auto* sa : engine(i).ike_sas()) {
      if (sa->state == ike::sa::IkeState::established || sa->state == ike::sa::IkeState::rekeying) {
        ++ike_count;
      }
      for (const auto& child : sa->children) {
        child_count += child.state == ike::sa::ChildState::installed ||
                       child.state == ike::sa::ChildState::rekeying;
      }
    }
  }
  status_dirty_ = false;
  last_status_at_ = now;
  std::string text = status_text(ike_count, child_count);
  if (text == last_status_text_) return;
  last_status_text_ = text;
  (void)notifier_.notify("STATUS=" + text);
}

void Daemon::watch_signals() {
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  signals_.async_wait([this](const boost::system::error_code& error, int signal) {
    if (error) return;
    if (signal == SIGHUP && stopping_) {
      watch_signals();
      return;
    }
    if (signal == SIGHUP) {
      auto reloaded = reload();
      if (reloaded) {
        logger_.info(Subsystem::cfg, "SIGHUP: reloaded: " + *reloaded);
      } else {
        logger_.error(Subsystem::cfg, "SIGHUP: reload failed, running configuration kept: " +
                                          reloaded.error().reason);
      }
      watch_signals();
      return;
    }
    if (stopping_) {
      logger_.warning(Subsystem::net, "second signal: stopping without waiting for the peers");
      finish_shutdown();
      return;
    }
    begin_shutdown(signal == SIGTERM ? "SIGTERM" : "SIGINT");
    watch_signals();
  });
}

void Daemon::begin_shutdown(const std::string& why) {
  stopping_ = true;
  (void)notifier_.notify("STOPPING=1");
  logger_.info(Subsystem::net, why + ": deleting every IKE SA, then leaving");
  if (control_) control_->stop();
  up_waits_.fail_all("ikev2d is shutting down");
  MonoTime now = begin_input();
  // Every connection with an SA, including those a reload removed.
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    std::vector<std::string> names;
    for (const auto* sa : engine(i).ike_sas()) {
      const std::string& name = sa->connection->name;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    for (const auto& name : names) {
      if (auto done = engine(i).terminate(name, now); !done) {
        logger_.warning(Subsystem::ike, "terminate " + name + ": " + done.error().reason);
      }
    }
  }
  shutdown_timer_.expires_after(kShutdownGrace);
  shutdown_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    logger_.info(Subsystem::net, "shutdown: " + std::to_string(count_ike_sas()) +
                                     " IKE SA(s) did not finish deleting in time");
    finish_shutdown();
  });
  after_input();
}

void Daemon::finish_shutdown() {
  if (stopped_) return;
  stopped_ = true;
  // Kernel state goes first, while the engine's view is still around for the log.
  if (kernel_) {
    if (auto removed = kernel_->remove_owned(); !removed) {
      logger_.error(Subsystem::knl, "removing our SAs and policies: " + removed.error().reason);
      exit_code_ = 1;
    } else {
      logger_.info(Subsystem::knl, "removed every SA and policy of ours");
    }
  }
  for (auto& waiter : down_waits_)
    waiter.reply->finish_ok();
  down_waits_.clear();
  engine_timer_.cancel();
  status_timer_.cancel();
  shutdown_timer_.cancel();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  if (kernel_events_) {
    kernel_events_->cancel(ignored);
    kernel_events_->release();
    kernel_events_.reset();
  }
  for (auto& socket : sockets_)
    socket->close();
  if (control_) control_->stop();
  auto leave = [this] {
    logger_.info(Subsystem::net, "ikev2d stopped");
    io_.stop();
  };
  // down-client scripts of the last deletes get to finish.
  if (updown_) {
    updown_->stop(leave);
  } else {
    leave();
  }
}

}  // namespace ikev2d::runtime
