// Engine events and XFRM events (daemon.hpp).

#include <algorithm>
#include <cstdio>

#include "runtime/daemon.hpp"
#include "runtime/updown_hook.hpp"

namespace ikev2d::runtime {

using ike::sa::EventKind;

namespace {

ike::MonoTime mono_now() {
  return std::chrono::steady_clock::now();
}

std::string spi_text(std::uint32_t spi) {
  char text[12];
  std::snprintf(text, sizeof text, "%08x", spi);
  return text;
}

}  // namespace

void Daemon::publish(std::size_t shard, const ike::sa::Event& event) {
  // On the thread running `shard`: the log line now (the engine may publish
  // several events in one input), into the shard's outbox what acts on the
  // event on the loop thread (process_pending_events). Events about a
  // connection rather than an SA (routing) carry its name.
  logger_.log(Subsystem::ike, event.level,
              event.sa_label.empty() ? std::string_view(event.connection) : event.sa_label,
              event_message(event));
  auto& outbox = outboxes_[shard];
  if (event.kind != EventKind::log) outbox.status_dirty = true;
  std::string child_name;
  if (event.child_serial != 0) {
    if (const auto* sa = engine(shard).find_ike_sa(event.ike_serial)) {
      // A const lookup while the engine is inside an input: the SA table is
      // not being changed while an event is published.
      auto child =
          std::find_if(sa->children.begin(), sa->children.end(),
                       [&](const ike::sa::ChildSa& c) { return c.serial == event.child_serial; });
      if (child != sa->children.end()) {
        if (child->config != nullptr) child_name = child->name();
        if (updown_ && (event.kind == EventKind::child_up || event.kind == EventKind::child_down)) {
          // The section of the CHILD: sections that share an IKE SA each
          // have their own leftupdown. The script starts on the loop thread,
          // its environment is taken now, while the SA is still there.
          auto found = setup_by_name_.find(child_name);
          if (found == setup_by_name_.end()) found = setup_by_name_.find(event.connection);
          if (found != setup_by_name_.end()) {
            if (auto job = UpdownHook::job_for(event.kind == EventKind::child_up, *found->second,
                                               *sa, *child)) {
              outbox.updown_jobs.push_back(std::move(*job));
            }
          }
        }
      }
    }
  }
  // Log events matter after the input only to `ikectl up` clients.
  if (event.kind == EventKind::log && up_waits_.size() == 0) return;
  outbox.events.push_back(PendingEvent{event, std::move(child_name)});
}

void Daemon::process_pending_events() {
  auto alive = [this](std::uint32_t serial) { return find_ike_sa(serial) != nullptr; };
  bool any = false;
  for (auto& outbox : outboxes_) {
    for (auto& job : outbox.updown_jobs)
      updown_->submit(std::move(job));
    outbox.updown_jobs.clear();
    if (outbox.events.empty()) continue;
    any = true;
    auto events = std::move(outbox.events);
    outbox.events.clear();
    for (const auto& pending : events) {
      up_waits_.on_event(pending.event, pending.child_name, alive);
      if (pending.event.kind == EventKind::ike_down || pending.event.kind == EventKind::failed) {
        for (auto& wait : down_waits_)
          std::erase(wait.serials, pending.event.ike_serial);
      }
    }
  }
  if (any) check_down_waits(mono_now());
}

void Daemon::check_down_waits(ike::MonoTime now) {
  std::erase_if(down_waits_, [&](DownWait& wait) {
    if (wait.reply->closed()) return true;
    std::erase_if(wait.serials, [&](std::uint32_t serial) {
      const auto* sa = find_ike_sa(serial);
      if (sa == nullptr) return true;
      if (wait.child.empty() || sa->state == ike::sa::IkeState::deleting) return false;
      return std::none_of(sa->children.begin(), sa->children.end(), [&](const auto& child) {
        return child.config != nullptr && child.name() == wait.child;
      });
    });
    if (wait.serials.empty()) {
      nlohmann::json result = nlohmann::json::object();
      result["message"] =
          wait.child.empty() ? "IKE SA(s) deleted" : "CHILD SA(s) of '" + wait.child + "' deleted";
      wait.reply->finish_ok(std::move(result));
      return true;
    }
    if (now >= wait.deadline) {
      nlohmann::json result = nlohmann::json::object();
      result["message"] = "deletes sent; " + std::to_string(wait.serials.size()) +
                          " IKE SA(s) still waiting for the peer";
      wait.reply->finish_ok(std::move(result));
      return true;
    }
    return false;
  });
}

void Daemon::on_acquire(const ike::sa::KernelAcquire& acquire) {
  logger_.log(Subsystem::knl, LogLevel::info, {},
              "acquire for reqid " + std::to_string(acquire.reqid) + ": " +
                  acquire.source.to_string() + " === " + acquire.destination.to_string());
  // The trap's reqid carries the tag of the shard that routed it.
  engine(layout_.shard_of_tag(acquire.reqid)).handle_kernel_acquire(acquire, mono_now());
}

void Daemon::on_expire(const ike::sa::KernelExpire& expire) {
  logger_.log(Subsystem::knl, LogLevel::debug, {},
              std::string(expire.hard ? "hard" : "soft") + " expire of SA " +
                  spi_text(expire.sa.spi) + " to " + expire.sa.destination.to_string());
  // Kernel SPIs carry no shard tag: the shard that has the SA acts, the
  // others find nothing.
  for (std::size_t i = 0; i < shards_->size(); ++i)
    engine(i).handle_kernel_expire(expire, mono_now());
}

void Daemon::on_mapping(const ike::sa::KernelMapping& mapping) {
  logger_.log(Subsystem::knl, LogLevel::info, {},
              "NAT mapping of SA " + spi_text(mapping.sa.spi) + " moved to " +
                  mapping.new_address.to_string() + ":" + std::to_string(mapping.new_port));
  for (std::size_t i = 0; i < shards_->size(); ++i)
    engine(i).handle_kernel_mapping(mapping, mono_now());
}

}  // namespace ikev2d::runtime
