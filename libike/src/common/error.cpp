#include "ike/error.hpp"

#include <string>

namespace ike {

const char* errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_syntax:
      return "invalid_syntax";
    case Errc::unsupported_critical_payload:
      return "unsupported_critical_payload";
    case Errc::invalid_major_version:
      return "invalid_major_version";
    case Errc::invalid_message_id:
      return "invalid_message_id";
    case Errc::integrity_check_failed:
      return "integrity_check_failed";
    case Errc::fragment_rejected:
      return "fragment_rejected";
    case Errc::crypto_failure:
      return "crypto_failure";
    case Errc::unsupported_algorithm:
      return "unsupported_algorithm";
    case Errc::invalid_public_value:
      return "invalid_public_value";
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::proposal_syntax:
      return "proposal_syntax";
    case Errc::no_proposal_chosen:
      return "no_proposal_chosen";
    case Errc::authentication_failed:
      return "authentication_failed";
    case Errc::certificate_unusable:
      return "certificate_unusable";
    case Errc::certificate_untrusted:
      return "certificate_untrusted";
    case Errc::certificate_revoked:
      return "certificate_revoked";
    case Errc::certificate_expired:
      return "certificate_expired";
    case Errc::identity_mismatch:
      return "identity_mismatch";
    case Errc::io_error:
      return "io_error";
  }
  return "unknown";
}

namespace {
class IkeCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "ike"; }
  std::string message(int value) const override { return errc_name(static_cast<Errc>(value)); }
};
}  // namespace

const std::error_category& ike_category() noexcept {
  // A function-local constant, not mutable global state: std::error_code needs
  // one category object with a stable address.
  static const IkeCategory category;
  return category;
}

}  // namespace ike
