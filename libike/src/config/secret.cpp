#include "ike/config/secret.hpp"

#include <utility>

namespace ike::config {

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  secure_wipe(other.value_);
  other.value_.clear();
}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    secure_wipe(value_);
    value_ = other.value_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    secure_wipe(value_);
    value_ = std::move(other.value_);
    secure_wipe(other.value_);
    other.value_.clear();
  }
  return *this;
}

Secret::~Secret() {
  secure_wipe(value_);
}

bool operator==(const Secret& a, const Secret& b) {
  return constant_time_equal(a.value_, b.value_);
}

std::ostream& operator<<(std::ostream& out, const Secret& secret) {
  return out << secret.to_string();
}

}  // namespace ike::config
