#pragma once
/// The IANA registries of IKEv2 (RFC 7296 section 3 and its updates) that
/// libike uses. Each registry is declared once as a table that yields the enum,
/// its names ("IKE_SA_INIT", "ENCR_AES_GCM_16") and the list of its values, so
/// no value can lack a name.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ike::wire {

#define IKE_ENUM_VALUE(id, number, text) id = number,
#define IKE_ENUM_NAME_CASE(id, number, text) \
  case number:                               \
    return text;
#define IKE_ENUM_LIST(id, number, text) number,

/// Declares `enum class Name : Underlying`, `name(Name)` ("" when unknown),
/// `to_string(Name)` ("NAME_42" style fallback) and `all_values(Name{})`.
#define IKE_DECLARE_ENUM(Name, Underlying, TABLE)                                       \
  enum class Name : Underlying { TABLE(IKE_ENUM_VALUE) };                               \
  constexpr std::string_view name(Name value) noexcept {                                \
    switch (static_cast<Underlying>(value)) { TABLE(IKE_ENUM_NAME_CASE) }               \
    return {};                                                                          \
  }                                                                                     \
  inline std::string to_string(Name value) {                                            \
    auto text = name(value);                                                            \
    if (!text.empty()) return std::string(text);                                        \
    return std::string(#Name "(") + std::to_string(static_cast<unsigned>(value)) + ")"; \
  }                                                                                     \
  constexpr auto all_values(Name) noexcept {                                            \
    constexpr Underlying numbers[] = {TABLE(IKE_ENUM_LIST)};                            \
    std::array<Name, sizeof(numbers) / sizeof(numbers[0])> out{};                       \
    for (std::size_t i = 0; i < out.size(); ++i)                                        \
      out[i] = static_cast<Name>(numbers[i]);                                           \
    return out;                                                                         \
  }

// RFC 7296 3.1
#define IKE_EXCHANGE_TYPES(X)               \
  X(ike_sa_init, 34, "IKE_SA_INIT")         \
  X(ike_auth, 35, "IKE_AUTH")               \
  X(create_child_sa, 36, "CREATE_CHILD_SA") \
  X(informational, 37, "INFORMATIONAL")
IKE_DECLARE_ENUM(ExchangeType, std::uint8_t, IKE_EXCHANGE_TYPES)

// RFC 7296 3.2, RFC 7383 2.5 (SKF)
#define IKE_PAYLOAD_TYPES(X)            \
  X(none, 0, "NONE")                    \
  X(security_association, 33, "SA")     \
  X(key_exchange, 34, "KE")             \
  X(id_initiator, 35, "IDi")            \
  X(id_responder, 36, "IDr")            \
  X(certificate, 37, "CERT")            \
  X(certificate_request, 38, "CERTREQ") \
  X(authentication, 39, "AUTH")         \
  X(nonce, 40, "N(once)")               \
  X(notify, 41, "N")                    \
  X(delete_, 42, "D")                   \
  X(vendor_id, 43, "V")                 \
  X(ts_initiator, 44, "TSi")            \
  X(ts_responder, 45, "TSr")            \
  X(encrypted, 46, "SK")                \
  X(configuration, 47, "CP")            \
  X(eap, 48, "EAP")                     \
  X(encrypted_fragment, 53, "SKF")
IKE_DECLARE_ENUM(PayloadType, std::uint8_t, IKE_PAYLOAD_TYPES)

// RFC 7296 3.10.1 and IANA "IKEv2 Notify Message Types"
#define IKE_NOTIFY_TYPES(X)                                                \
  X(unsupported_critical_payload, 1, "UNSUPPORTED_CRITICAL_PAYLOAD")       \
  X(invalid_ike_spi, 4, "INVALID_IKE_SPI")                                 \
  X(invalid_major_version, 5, "INVALID_MAJOR_VERSION")                     \
  X(invalid_syntax, 7, "INVALID_SYNTAX")                                   \
  X(invalid_message_id, 9, "INVALID_MESSAGE_ID")                           \
  X(invalid_spi, 11, "INVALID_SPI")                                        \
  X(no_proposal_chosen, 14, "NO_PROPOSAL_CHOSEN")                          \
  X(invalid_ke_payload, 17, "INVALID_KE_PAYLOAD")                          \
  X(authentication_failed, 24, "AUTHENTICATION_FAILED")                    \
  X(single_pair_required, 34, "SINGLE_PAIR_REQUIRED")                      \
  X(no_additional_sas, 35, "NO_ADDITIONAL_SAS")                            \
  X(internal_address_failure, 36, "INTERNAL_ADDRESS_FAILURE")              \
  X(failed_cp_required, 37, "FAILED_CP_REQUIRED")                          \
  X(ts_unacceptable, 38, "TS_UNACCEPTABLE")                                \
  X(invalid_selectors, 39, "INVALID_SELECTORS")                            \
  X(temporary_failure, 43, "TEMPORARY_FAILURE")                            \
  X(child_sa_not_found, 44, "CHILD_SA_NOT_FOUND")                          \
  X(initial_contact, 16384, "INITIAL_CONTACT")                             \
  X(set_window_size, 16385, "SET_WINDOW_SIZE")                             \
  X(additional_ts_possible, 16386, "ADDITIONAL_TS_POSSIBLE")               \
  X(ipcomp_supported, 16387, "IPCOMP_SUPPORTED")                           \
  X(nat_detection_source_ip, 16388, "NAT_DETECTION_SOURCE_IP")             \
  X(nat_detection_destination_ip, 16389, "NAT_DETECTION_DESTINATION_IP")   \
  X(cookie, 16390, "COOKIE")                                               \
  X(use_transport_mode, 16391, "USE_TRANSPORT_MODE")                       \
  X(http_cert_lookup_supported, 16392, "HTTP_CERT_LOOKUP_SUPPORTED")       \
  X(rekey_sa, 16393, "REKEY_SA")                                           \
  X(esp_tfc_padding_not_supported, 16394, "ESP_TFC_PADDING_NOT_SUPPORTED") \
  X(non_first_fragments_also, 16395, "NON_FIRST_FRAGMENTS_ALSO")           \
  X(mobike_supported, 16396, "MOBIKE_SUPPORTED")                           \
  X(additional_ip4_address, 16397, "ADDITIONAL_IP4_ADDRESS")               \
  X(additional_ip6_address, 16398, "ADDITIONAL_IP6_ADDRESS")               \
  X(no_additional_addresses, 16399, "NO_ADDITIONAL_ADDRESSES")             \
  X(update_sa_addresses, 16400, "UPDATE_SA_ADDRESSES")                     \
  X(cookie2, 16401, "COOKIE2")                                             \
  X(no_nats_allowed, 16402, "NO_NATS_ALLOWED")                             \
  X(auth_lifetime, 16403, "AUTH_LIFETIME")                                 \
  X(multiple_auth_supported, 16404, "MULTIPLE_AUTH_SUPPORTED")             \
  X(another_auth_follows, 16405, "ANOTHER_AUTH_FOLLOWS")                   \
  X(redirect_supported, 16406, "REDIRECT_SUPPORTED")                       \
  X(eap_only_authentication, 16417, "EAP_ONLY_AUTHENTICATION")             \
  X(childless_ikev2_supported, 16418, "CHILDLESS_IKEV2_SUPPORTED")         \
  X(ikev2_fragmentation_supported, 16430, "IKEV2_FRAGMENTATION_SUPPORTED") \
  X(signature_hash_algorithms, 16431, "SIGNATURE_HASH_ALGORITHMS")
IKE_DECLARE_ENUM(NotifyType, std::uint16_t, IKE_NOTIFY_TYPES)

/// Notify types below 16384 report errors (RFC 7296 3.10.1).
constexpr bool is_error(NotifyType type) noexcept {
  return static_cast<std::uint16_t>(type) < 16384;
}

// RFC 7296 3.3.2 Transform Type
#define IKE_TRANSFORM_TYPES(X) \
  X(encryption, 1, "ENCR")     \
  X(prf, 2, "PRF")             \
  X(integrity, 3, "INTEG")     \
  X(key_exchange, 4, "KE")     \
  X(esn, 5, "ESN")
IKE_DECLARE_ENUM(TransformType, std::uint8_t, IKE_TRANSFORM_TYPES)

// Transform Type 1 (IANA), RFC 5282, RFC 7634
#define IKE_ENCRYPTION_ALGORITHMS(X)                   \
  X(des3, 3, "ENCR_3DES")                              \
  X(null, 11, "ENCR_NULL")                             \
  X(aes_cbc, 12, "ENCR_AES_CBC")                       \
  X(aes_ctr, 13, "ENCR_AES_CTR")                       \
  X(aes_ccm_8, 14, "ENCR_AES_CCM_8")                   \
  X(aes_ccm_12, 15, "ENCR_AES_CCM_12")                 \
  X(aes_ccm_16, 16, "ENCR_AES_CCM_16")                 \
  X(aes_gcm_8, 18, "ENCR_AES_GCM_8")                   \
  X(aes_gcm_12, 19, "ENCR_AES_GCM_12")                 \
  X(aes_gcm_16, 20, "ENCR_AES_GCM_16")                 \
  X(null_auth_aes_gmac, 21, "ENCR_NULL_AUTH_AES_GMAC") \
  X(chacha20_poly1305, 28, "ENCR_CHACHA20_POLY1305")
IKE_DECLARE_ENUM(EncryptionAlgorithm, std::uint16_t, IKE_ENCRYPTION_ALGORITHMS)

// Transform Type 2
#define IKE_PRF_ALGORITHMS(X)              \
  X(hmac_md5, 1, "PRF_HMAC_MD5")           \
  X(hmac_sha1, 2, "PRF_HMAC_SHA1")         \
  X(aes128_xcbc, 4, "PRF_AES128_XCBC")     \
  X(hmac_sha2_256, 5, "PRF_HMAC_SHA2_256") \
  X(hmac_sha2_384, 6, "PRF_HMAC_SHA2_384") \
  X(hmac_sha2_512, 7, "PRF_HMAC_SHA2_512") \
  X(aes128_cmac, 8, "PRF_AES128_CMAC")
IKE_DECLARE_ENUM(PrfAlgorithm, std::uint16_t, IKE_PRF_ALGORITHMS)

// Transform Type 3, RFC 4868
#define IKE_INTEGRITY_ALGORITHMS(X)                  \
  X(none, 0, "NONE")                                 \
  X(hmac_md5_96, 1, "AUTH_HMAC_MD5_96")              \
  X(hmac_sha1_96, 2, "AUTH_HMAC_SHA1_96")            \
  X(aes_xcbc_96, 5, "AUTH_AES_XCBC_96")              \
  X(aes_cmac_96, 8, "AUTH_AES_CMAC_96")              \
  X(hmac_sha2_256_128, 12, "AUTH_HMAC_SHA2_256_128") \
  X(hmac_sha2_384_192, 13, "AUTH_HMAC_SHA2_384_192") \
  X(hmac_sha2_512_256, 14, "AUTH_HMAC_SHA2_512_256")
IKE_DECLARE_ENUM(IntegrityAlgorithm, std::uint16_t, IKE_INTEGRITY_ALGORITHMS)

// Transform Type 4, RFC 3526, RFC 5903, RFC 8031
#define IKE_KE_GROUPS(X)           \
  X(none, 0, "NONE")               \
  X(modp1024, 2, "MODP_1024")      \
  X(modp1536, 5, "MODP_1536")      \
  X(modp2048, 14, "MODP_2048")     \
  X(modp3072, 15, "MODP_3072")     \
  X(modp4096, 16, "MODP_4096")     \
  X(modp6144, 17, "MODP_6144")     \
  X(modp8192, 18, "MODP_8192")     \
  X(ecp256, 19, "ECP_256")         \
  X(ecp384, 20, "ECP_384")         \
  X(ecp521, 21, "ECP_521")         \
  X(curve25519, 31, "CURVE_25519") \
  X(curve448, 32, "CURVE_448")
IKE_DECLARE_ENUM(KeGroup, std::uint16_t, IKE_KE_GROUPS)

// Transform Type 5
#define IKE_ESN_MODES(X) \
  X(no_esn, 0, "NO_ESN") \
  X(esn, 1, "ESN")
IKE_DECLARE_ENUM(EsnMode, std::uint16_t, IKE_ESN_MODES)

// RFC 7296 3.3.1
#define IKE_PROTOCOL_IDS(X) \
  X(none, 0, "NONE")        \
  X(ike, 1, "IKE")          \
  X(ah, 2, "AH")            \
  X(esp, 3, "ESP")
IKE_DECLARE_ENUM(ProtocolId, std::uint8_t, IKE_PROTOCOL_IDS)

// RFC 7296 3.5
#define IKE_ID_TYPES(X)                \
  X(ipv4_addr, 1, "ID_IPV4_ADDR")      \
  X(fqdn, 2, "ID_FQDN")                \
  X(rfc822_addr, 3, "ID_RFC822_ADDR")  \
  X(ipv6_addr, 5, "ID_IPV6_ADDR")      \
  X(der_asn1_dn, 9, "ID_DER_ASN1_DN")  \
  X(der_asn1_gn, 10, "ID_DER_ASN1_GN") \
  X(key_id, 11, "ID_KEY_ID")
IKE_DECLARE_ENUM(IdType, std::uint8_t, IKE_ID_TYPES)

// RFC 7296 3.8, RFC 4754, RFC 7427
#define IKE_AUTH_METHODS(X)                     \
  X(rsa_signature, 1, "RSA_SIG")                \
  X(shared_key_mic, 2, "PSK")                   \
  X(dss_signature, 3, "DSS_SIG")                \
  X(ecdsa_sha256_p256, 9, "ECDSA_SHA256_P256")  \
  X(ecdsa_sha384_p384, 10, "ECDSA_SHA384_P384") \
  X(ecdsa_sha512_p521, 11, "ECDSA_SHA512_P521") \
  X(digital_signature, 14, "DIGITAL_SIGNATURE")
IKE_DECLARE_ENUM(AuthMethod, std::uint8_t, IKE_AUTH_METHODS)

// RFC 7296 3.6
#define IKE_CERT_ENCODINGS(X)                         \
  X(pkcs7_wrapped_x509, 1, "PKCS7_WRAPPED_X509")      \
  X(x509_signature, 4, "X509_SIGNATURE")              \
  X(crl, 7, "CRL")                                    \
  X(raw_rsa_key, 11, "RAW_RSA_KEY")                   \
  X(hash_url_x509, 12, "HASH_URL_X509")               \
  X(hash_url_x509_bundle, 13, "HASH_URL_X509_BUNDLE") \
  X(raw_public_key, 15, "RAW_PUBLIC_KEY")
IKE_DECLARE_ENUM(CertEncoding, std::uint8_t, IKE_CERT_ENCODINGS)

// RFC 7296 3.13.1
#define IKE_TS_TYPES(X)                       \
  X(ipv4_addr_range, 7, "TS_IPV4_ADDR_RANGE") \
  X(ipv6_addr_range, 8, "TS_IPV6_ADDR_RANGE")
IKE_DECLARE_ENUM(TsType, std::uint8_t, IKE_TS_TYPES)

// RFC 7296 3.15
#define IKE_CFG_TYPES(X)       \
  X(request, 1, "CFG_REQUEST") \
  X(reply, 2, "CFG_REPLY")     \
  X(set, 3, "CFG_SET")         \
  X(ack, 4, "CFG_ACK")
IKE_DECLARE_ENUM(CfgType, std::uint8_t, IKE_CFG_TYPES)

// RFC 7427 4, RFC 8420
#define IKE_HASH_ALGORITHMS(X) \
  X(sha1, 1, "SHA1")           \
  X(sha2_256, 2, "SHA2_256")   \
  X(sha2_384, 3, "SHA2_384")   \
  X(sha2_512, 4, "SHA2_512")   \
  X(identity, 5, "IDENTITY")
IKE_DECLARE_ENUM(HashAlgorithm, std::uint16_t, IKE_HASH_ALGORITHMS)

/// Transform attribute type Key Length (RFC 7296 3.3.5), always TV format.
inline constexpr std::uint16_t kKeyLengthAttribute = 14;

}  // namespace ike::wire
