#include "vector_cases.hpp"

namespace ike::vectors {

namespace {

// IKE_SA_INIT as charon 5.9.8 sends it: NAT detection (RFC 7296 2.23),
// fragmentation (RFC 7383), RFC 7427 hashes, redirect (RFC 5685); the
// responder adds childless (RFC 6023) and multiple auth (RFC 4739).
const char* const kInitRequest =
    "SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) "
    "N(IKEV2_FRAGMENTATION_SUPPORTED) N(SIGNATURE_HASH_ALGORITHMS) N(REDIRECT_SUPPORTED)";
const char* const kInitResponse =
    "SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) "
    "N(IKEV2_FRAGMENTATION_SUPPORTED) N(SIGNATURE_HASH_ALGORITHMS) N(CHILDLESS_IKEV2_SUPPORTED) "
    "N(MULTIPLE_AUTH_SUPPORTED)";
const char* const kInitResponseCertreq =
    "SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) CERTREQ "
    "N(IKEV2_FRAGMENTATION_SUPPORTED) N(SIGNATURE_HASH_ALGORITHMS) N(CHILDLESS_IKEV2_SUPPORTED) "
    "N(MULTIPLE_AUTH_SUPPORTED)";
// The IKE_AUTH request's trailing notifies: MOBIKE (RFC 4555), no additional
// addresses, multiple auth, EAP-only (RFC 5998) and 16420
// IKEV2_MESSAGE_ID_SYNC_SUPPORTED (RFC 6311), which libike does not name.
const char* const kAuthRequestTail =
    "SA TSi TSr N(MOBIKE_SUPPORTED) N(NO_ADDITIONAL_ADDRESSES) N(MULTIPLE_AUTH_SUPPORTED) "
    "N(EAP_ONLY_AUTHENTICATION) N(16420)";
const char* const kAuthResponseRefused =
    "AUTH N(MOBIKE_SUPPORTED) N(NO_ADDITIONAL_ADDRESSES) N(NO_PROPOSAL_CHOSEN)";

std::string join(std::string head, const char* tail) {
  return head + " " + tail;
}

}  // namespace

const std::vector<VectorCase>& vector_cases() {
  static const std::vector<VectorCase> cases = {
      {"psk-aes256gcm16-prfsha384-x25519",
       "aes256gcm16-prfsha384-x25519",
       "aes256gcm16",
       "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519",
       "ESP:AES_GCM_16_256/NO_EXT_SEQ",
       "west.example",
       "east.example",
       wire::AuthMethod::shared_key_mic,
       "interop-psk-0123456789",
       "10.77.0.2/32",
       "10.77.0.1/32",
       true,
       false,
       {kInitRequest, kInitResponse,
        join("IDi N(INITIAL_CONTACT) IDr AUTH N(USE_TRANSPORT_MODE)", kAuthRequestTail),
        join("IDr", kAuthResponseRefused)}},
      {"psk-aes128-sha256-ecp256",
       "aes128-sha256-prfsha256-ecp256",
       "aes128-sha256",
       "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256",
       "ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ",
       "west.example",
       "east.example",
       wire::AuthMethod::shared_key_mic,
       "interop-psk-0123456789",
       "10.77.0.2/32",
       "10.77.0.1/32",
       true,
       false,
       {kInitRequest, kInitResponse,
        join("IDi N(INITIAL_CONTACT) IDr AUTH N(USE_TRANSPORT_MODE)", kAuthRequestTail),
        join("IDr", kAuthResponseRefused)}},
      {"ecdsa-aes128gcm16-prfsha256-x25519",
       "aes128gcm16-prfsha256-x25519",
       "aes128gcm16",
       "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519",
       "ESP:AES_GCM_16_128/NO_EXT_SEQ",
       "west.example",
       "east.example",
       wire::AuthMethod::digital_signature,
       nullptr,
       "10.77.0.2/32",
       "10.77.0.1/32",
       true,
       false,
       {kInitRequest, kInitResponseCertreq,
        join("IDi CERT N(INITIAL_CONTACT) CERTREQ IDr AUTH N(USE_TRANSPORT_MODE)",
             kAuthRequestTail),
        join("IDr CERT", kAuthResponseRefused)}},
      {"psk-full-chain-aes256gcm16-prfsha384-x25519",
       "aes256gcm16-prfsha384-x25519",
       "aes256gcm16",
       "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519",
       "ESP:AES_GCM_16_256/NO_EXT_SEQ",
       "west.peers2.test",
       "east.peers2.test",
       wire::AuthMethod::shared_key_mic,
       "peers2-interop-psk-0123456789",
       "10.77.2.0/24",
       "10.77.1.0/24",
       false,
       true,
       {kInitRequest, kInitResponse, join("IDi N(INITIAL_CONTACT) IDr AUTH", kAuthRequestTail),
        "IDr AUTH SA TSi TSr N(MOBIKE_SUPPORTED) N(NO_ADDITIONAL_ADDRESSES)", "D", ""}},
  };
  return cases;
}

std::vector<VectorCase> psk_cases() {
  std::vector<VectorCase> out;
  for (const VectorCase& vector_case : vector_cases())
    if (vector_case.psk != nullptr) out.push_back(vector_case);
  return out;
}

std::string case_name(const VectorCase& vector_case) {
  std::string name = vector_case.folder;
  for (char& ch : name)
    if (ch == '-') ch = '_';
  return name;
}

}  // namespace ike::vectors
