#include "support/engine_fixtures.hpp"

namespace ike::test {

std::size_t EventRecorder::count(sa::EventKind kind) const {
  std::size_t n = 0;
  for (const auto& event : events)
    n += event.kind == kind;
  return n;
}

std::string EventRecorder::dump() const {
  std::string out;
  for (const auto& event : events) {
    out += std::string(sa::to_string(event.kind)) + ": " + event.sa_label + ": " + event.message +
           "\n";
  }
  return out;
}

}  // namespace ike::test
