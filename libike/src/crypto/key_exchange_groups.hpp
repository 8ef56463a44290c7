#pragma once
/// The key exchange groups ike_crypto implements, and the per-family
/// factories behind `KeyExchange::create` / `from_private_key`. Internal to
/// src/crypto/.

#include <openssl/obj_mac.h>

#include <cstddef>
#include <memory>
#include <string>

#include "ike/crypto/key_exchange.hpp"

namespace ike::crypto::keying {

enum class GroupFamily { modp, ecp, ecx };

struct GroupInfo {
  wire::KeGroup group;
  GroupFamily family;
  /// OpenSSL's name: the named DH group, the EC curve or the ECX algorithm.
  const char* openssl_name;
  /// NID of an EC curve; 0 otherwise.
  int curve_nid;
  /// Prime length (MODP), field size (ECP) or key length (ECX), in octets.
  std::size_t element_size;
  /// Octets of a freshly drawn private key: the MODP exponent, the ECP scalar
  /// (field size) or the ECX key. MODP exponents of 256, 320 and 384 bits lie
  /// within RFC 3526 8's estimates (220-320, 260-420, 300-480) and are at
  /// least twice each group's security strength (NIST SP 800-57: 112, 128,
  /// about 150 bits).
  std::size_t private_size;
};

// RFC 3526's primes for groups 14-16 are OpenSSL's named groups
// modp_2048/3072/4096 (a unit test compares them with the RFC's values).
inline constexpr GroupInfo kGroups[] = {
    {wire::KeGroup::modp2048, GroupFamily::modp, "modp_2048", 0, 256, 32},
    {wire::KeGroup::modp3072, GroupFamily::modp, "modp_3072", 0, 384, 40},
    {wire::KeGroup::modp4096, GroupFamily::modp, "modp_4096", 0, 512, 48},
    {wire::KeGroup::ecp256, GroupFamily::ecp, "prime256v1", NID_X9_62_prime256v1, 32, 32},
    {wire::KeGroup::ecp384, GroupFamily::ecp, "secp384r1", NID_secp384r1, 48, 48},
    {wire::KeGroup::ecp521, GroupFamily::ecp, "secp521r1", NID_secp521r1, 66, 66},
    {wire::KeGroup::curve25519, GroupFamily::ecx, "X25519", 0, 32, 32},
    {wire::KeGroup::curve448, GroupFamily::ecx, "X448", 0, 56, 56},
};

/// The entry for `group`, or nullptr when it is not implemented.
constexpr const GroupInfo* find_group(wire::KeGroup group) noexcept {
  for (const GroupInfo& info : kGroups) {
    if (info.group == group) return &info;
  }
  return nullptr;
}

using KeyExchangeResult = Result<std::unique_ptr<KeyExchange>>;

KeyExchangeResult create_modp(const GroupInfo& info, RandomSource& random);
KeyExchangeResult modp_from_private_key(const GroupInfo& info, ByteView exponent);

KeyExchangeResult create_ecp(const GroupInfo& info, RandomSource& random);
KeyExchangeResult ecp_from_private_key(const GroupInfo& info, ByteView scalar);

KeyExchangeResult create_ecx(const GroupInfo& info, RandomSource& random);
KeyExchangeResult ecx_from_private_key(const GroupInfo& info, ByteView raw_key);

/// "CURVE_25519: " etc., the prefix of every reason about a group.
std::string group_prefix(const GroupInfo& info);

}  // namespace ike::crypto::keying
