#include "ike/sa/ike_sa.hpp"

#include <cstdio>

#include "ike/sa/task.hpp"

namespace ike::sa {

TaskQueue::TaskQueue() = default;
TaskQueue::~TaskQueue() = default;
TaskQueue::TaskQueue(TaskQueue&&) noexcept = default;
TaskQueue& TaskQueue::operator=(TaskQueue&&) noexcept = default;

void TaskQueue::push_back(std::unique_ptr<Task> task) {
  tasks_.push_back(std::move(task));
}

void TaskQueue::push_front(std::unique_ptr<Task> task) {
  tasks_.insert(tasks_.begin(), std::move(task));
}

void TaskQueue::pop_front() {
  tasks_.erase(tasks_.begin());
}

void TaskQueue::clear() noexcept {
  tasks_.clear();
}

std::string_view to_string(IkeState state) noexcept {
  switch (state) {
    case IkeState::created:
      return "CREATED";
    case IkeState::connecting:
      return "CONNECTING";
    case IkeState::established:
      return "ESTABLISHED";
    case IkeState::rekeying:
      return "REKEYING";
    case IkeState::rekeyed:
      return "REKEYED";
    case IkeState::deleting:
      return "DELETING";
    case IkeState::destroying:
      return "DESTROYING";
  }
  return "?";
}

std::string_view to_string(ChildState state) noexcept {
  switch (state) {
    case ChildState::creating:
      return "CREATING";
    case ChildState::installed:
      return "INSTALLED";
    case ChildState::rekeying:
      return "REKEYING";
    case ChildState::rekeyed:
      return "REKEYED";
    case ChildState::deleting:
      return "DELETING";
  }
  return "?";
}

std::string_view to_string(TaskStatus status) noexcept {
  switch (status) {
    case TaskStatus::done:
      return "done";
    case TaskStatus::need_more:
      return "need_more";
    case TaskStatus::failed:
      return "failed";
    case TaskStatus::destroy_sa:
      return "destroy_sa";
  }
  return "?";
}

const std::string& ChildSa::name() const noexcept {
  static const std::string unnamed;  // immutable; returned for a CHILD SA without config
  return config ? config->name : unnamed;
}

std::string Endpoint::to_string() const {
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
  return address.to_string() + ":" + std::to_string(port);
}

std::string IkeSa::label() const {
  char spis[40];
  std::snprintf(spis, sizeof spis, "%016llx/%016llx", static_cast<unsigned long long>(spi_i),
                static_cast<unsigned long long>(spi_r));
  return connection->name + "[" + std::to_string(serial) + "] " + spis;
}

ChildSa* IkeSa::find_child_by_inbound_spi(std::uint32_t spi) noexcept {
  for (auto& child : children) {
    if (child.spi_in == spi) return &child;
  }
  return nullptr;
}

ChildSa* IkeSa::find_child_by_outbound_spi(std::uint32_t spi) noexcept {
  for (auto& child : children) {
    if (child.spi_out == spi) return &child;
  }
  return nullptr;
}

ChildSa* IkeSa::find_child(std::uint32_t child_serial) noexcept {
  for (auto& child : children) {
    if (child.serial == child_serial) return &child;
  }
  return nullptr;
}

void Services::log(const IkeSa& sa, LogLevel level, std::string message) const {
  Event event;
  event.kind = EventKind::log;
  event.level = level;
  event.connection = sa.connection->name;
  event.ike_serial = sa.serial;
  event.sa_label = sa.label();
  event.message = std::move(message);
  events.publish(event);
}

void Services::publish(const IkeSa& sa, EventKind kind, std::string message,
                       std::uint32_t child_serial) const {
  Event event;
  event.kind = kind;
  event.level = kind == EventKind::failed ? LogLevel::error : LogLevel::info;
  event.connection = sa.connection->name;
  event.ike_serial = sa.serial;
  event.child_serial = child_serial;
  event.sa_label = sa.label();
  event.message = std::move(message);
  events.publish(event);
}

}  // namespace ike::sa
