#pragma once
/// Errors in libike's own category. A protocol refusal is a notify sent to the
/// peer; a parse, crypto or system failure is an `Error` carrying a code from
/// `Errc` and the exact reason, written for the log line an operator reads
/// ("SA payload: proposal 2 length 12 overruns payload (8 bytes left)").

#include <cassert>
#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace ike {

enum class Errc {
  // Wire format; decoding maps these onto RFC 7296 2.21 notifies.
  invalid_syntax = 1,
  unsupported_critical_payload,
  invalid_major_version,
  invalid_message_id,
  // SK / SKF protection.
  integrity_check_failed,
  fragment_rejected,
  // Cryptography.
  crypto_failure,
  unsupported_algorithm,
  invalid_public_value,
  invalid_argument,
  // Proposals and negotiation.
  proposal_syntax,
  no_proposal_chosen,
  // Authentication and certificates.
  authentication_failed,
  certificate_unusable,
  certificate_untrusted,
  certificate_revoked,
  certificate_expired,
  identity_mismatch,
  io_error,
};

const std::error_category& ike_category() noexcept;

inline std::error_code make_error_code(Errc code) noexcept {
  return {static_cast<int>(code), ike_category()};
}

/// The name of an `Errc`, e.g. "invalid_syntax".
const char* errc_name(Errc code) noexcept;

struct Error {
  Errc code = Errc::invalid_syntax;
  std::string reason;
  /// For unsupported_critical_payload: the payload type the notify must carry.
  std::uint8_t payload_type = 0;

  std::error_code error_code() const noexcept { return make_error_code(code); }
};

inline Error make_error(Errc code, std::string reason) {
  return Error{code, std::move(reason), 0};
}

/// Value or error. Small and explicit: C++20 has no std::expected yet.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

/// Success or error, for operations without a value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  Error&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace ike

template <>
struct std::is_error_code_enum<ike::Errc> : std::true_type {};
