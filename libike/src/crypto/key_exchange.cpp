#include "ike/crypto/key_exchange.hpp"

#include <string>

#include "crypto/key_exchange_groups.hpp"

namespace ike::crypto {

using keying::find_group;
using keying::GroupFamily;

namespace {

Error unsupported(wire::KeGroup group) {
  return make_error(Errc::unsupported_algorithm,
                    "key exchange: group " + wire::to_string(group) + " is not supported");
}

}  // namespace

namespace keying {

std::string group_prefix(const GroupInfo& info) {
  return wire::to_string(info.group) + ": ";
}

}  // namespace keying

Result<std::unique_ptr<KeyExchange>> KeyExchange::create(wire::KeGroup group,
                                                         RandomSource& random) {
  const keying::GroupInfo* info = find_group(group);
  if (info == nullptr) return unsupported(group);
  switch (info->family) {
    case GroupFamily::modp:
      return keying::create_modp(*info, random);
    case GroupFamily::ecp:
      return keying::create_ecp(*info, random);
    case GroupFamily::ecx:
      return keying::create_ecx(*info, random);
  }
  return unsupported(group);
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::from_private_key(wire::KeGroup group,
                                                                   ByteView private_key) {
  const keying::GroupInfo* info = find_group(group);
  if (info == nullptr) return unsupported(group);
  switch (info->family) {
    case GroupFamily::modp:
      return keying::modp_from_private_key(*info, private_key);
    case GroupFamily::ecp:
      return keying::ecp_from_private_key(*info, private_key);
    case GroupFamily::ecx:
      return keying::ecx_from_private_key(*info, private_key);
  }
  return unsupported(group);
}

bool KeyExchange::is_supported(wire::KeGroup group) noexcept {
  return find_group(group) != nullptr;
}

std::size_t KeyExchange::public_value_size(wire::KeGroup group) noexcept {
  const keying::GroupInfo* info = find_group(group);
  if (info == nullptr) return 0;
  // RFC 5903 7: an ECP public value is x | y.
  return info->family == GroupFamily::ecp ? 2 * info->element_size : info->element_size;
}

std::size_t KeyExchange::shared_secret_size(wire::KeGroup group) noexcept {
  const keying::GroupInfo* info = find_group(group);
  return info == nullptr ? 0 : info->element_size;
}

Result<SecretBytes> KeyExchange::shared_secret(ByteView peer_public_value) const {
  // The cheap structural check before any OpenSSL work.
  const std::size_t expected = public_value_size(group_);
  if (peer_public_value.size() != expected) {
    return make_error(Errc::invalid_public_value, wire::to_string(group_) + ": public value of " +
                                                      std::to_string(peer_public_value.size()) +
                                                      " octets, expected " +
                                                      std::to_string(expected));
  }
  return derive(peer_public_value);
}

}  // namespace ike::crypto
