#include "ike/crypto/auth_octets.hpp"

#include <string>

namespace ike::crypto {

Bytes id_payload_body(wire::IdType type, ByteView id_data) {
  Bytes body;
  body.reserve(4 + id_data.size());
  body.push_back(static_cast<std::uint8_t>(type));
  body.insert(body.end(), 3, 0);  // RESERVED
  body.insert(body.end(), id_data.begin(), id_data.end());
  return body;
}

Result<Bytes> signed_octets(const Prf& prf, ByteView message, ByteView peer_nonce, ByteView sk_p,
                            ByteView id_body) {
  auto maced_id = prf.compute(sk_p, id_body);
  if (!maced_id) return std::move(maced_id).error();
  return concat({message, peer_nonce, *maced_id});
}

Result<Bytes> shared_key_auth(const Prf& prf, ByteView shared_key, ByteView signed_octets) {
  auto padded_key = prf.compute(shared_key, as_bytes(kIkev2KeyPad));
  if (!padded_key) return std::move(padded_key).error();
  auto auth = prf.compute(*padded_key, signed_octets);
  if (!auth) return std::move(auth).error();
  // The AUTH value travels in clear inside SK{}; it need not stay secret.
  return Bytes(auth->data(), auth->data() + auth->size());
}

Status verify_shared_key_auth(const Prf& prf, ByteView shared_key, ByteView signed_octets,
                              ByteView received) {
  auto expected = shared_key_auth(prf, shared_key, signed_octets);
  if (!expected) return std::move(expected).error();
  if (!constant_time_equal(*expected, received)) {
    return make_error(Errc::authentication_failed,
                      "AUTH: shared key MAC of " + std::to_string(received.size()) +
                          " octets does not match the expected " +
                          std::to_string(expected->size()) + "-octet value");
  }
  return {};
}

}  // namespace ike::crypto
