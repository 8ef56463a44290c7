#pragma once
/// One C++ type per IKEv2 payload body (RFC 7296 3.3-3.16, RFC 7383 2.5).
/// The generic payload header (next payload, critical bit, length) is not part
/// of these types: the payload chain codec (message.hpp) writes and checks it.
/// Which of IDi/IDr or TSi/TSr a body is comes from `Payload::type`.
///
/// Each body type has
///   static Result<T> decode(ByteView body);   // body = bytes after the 4-byte generic header
///   void encode(Writer& out) const;           // writes the body only
/// and decode(encode(x)) == x for every well-formed x.
///
/// Decoding is strict about structure (RFC 7296 section 3): every length is
/// checked before use, substructures must exactly fill their parents, counts
/// must match what is present, and a failure is an invalid_syntax Error whose
/// reason names the payload and the numbers. Reserved fields and bits are
/// ignored on receipt and written as zero. Semantics (is this group
/// supported, is start <= end) are for the layers that interpret the values.
/// Encoding trusts its input: a value that breaks a limit the wire cannot
/// express (a 300-byte SPI, 256 proposals) must be caught by the caller, e.g.
/// with check_encodable() from message.hpp.

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire {

/// A transform attribute (RFC 7296 3.3.5). `tv` attributes carry `value`;
/// TLV ones carry `data`. Only Key Length (14, TV) is defined for IKEv2.
struct TransformAttribute {
  std::uint16_t type = kKeyLengthAttribute;
  bool tv = true;
  std::uint16_t value = 0;
  Bytes data;
  friend bool operator==(const TransformAttribute&, const TransformAttribute&) = default;
};

/// RFC 7296 3.3.2. `id` is interpreted by `type` (EncryptionAlgorithm, PrfAlgorithm, ...).
struct Transform {
  TransformType type = TransformType::encryption;
  std::uint16_t id = 0;
  std::vector<TransformAttribute> attributes;

  /// The Key Length attribute in bits, if present.
  std::optional<std::uint16_t> key_length() const noexcept;
  friend bool operator==(const Transform&, const Transform&) = default;
};

/// RFC 7296 3.3.1. `spi` is empty in IKE_SA_INIT, 8 bytes for an IKE rekey, 4 for ESP/AH.
struct Proposal {
  std::uint8_t number = 1;
  ProtocolId protocol = ProtocolId::ike;
  Bytes spi;
  std::vector<Transform> transforms;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

/// SA payload, RFC 7296 3.3. Decoding requires at least one proposal, Last
/// Substruc 0/2 for proposals and 0/3 for transforms matching their position,
/// proposal numbers of at least 1 rising by 0 or 1 (an answer's proposal
/// carries the number it accepted, RFC 7296 3.3.1), lengths that exactly fill
/// their parent, Num Transforms equal to the transforms present, and Key
/// Length attributes in TV format. SPI size versus protocol is checked by
/// proposal selection.
struct SaPayload {
  std::vector<Proposal> proposals;
  static Result<SaPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const SaPayload&, const SaPayload&) = default;
};

/// KE payload, RFC 7296 3.4. The data may not be empty; its exact size per
/// group is checked by the key exchange.
struct KePayload {
  KeGroup group = KeGroup::none;
  Bytes data;
  static Result<KePayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const KePayload&, const KePayload&) = default;
};

/// IDi / IDr payload, RFC 7296 3.5. `data` is the identification data as sent:
/// never empty, exactly 4 bytes for ID_IPV4_ADDR and 16 for ID_IPV6_ADDR.
struct IdPayload {
  IdType id_type = IdType::fqdn;
  Bytes data;
  static Result<IdPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const IdPayload&, const IdPayload&) = default;
};

/// CERT payload, RFC 7296 3.6. The certificate data may not be empty.
struct CertPayload {
  CertEncoding encoding = CertEncoding::x509_signature;
  Bytes data;
  static Result<CertPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const CertPayload&, const CertPayload&) = default;
};

/// CERTREQ payload, RFC 7296 3.7. For X.509 `authorities` is a concatenation
/// of 20-byte SHA-1 hashes of CA public keys. The list may be empty.
struct CertReqPayload {
  static constexpr std::size_t kSha1Size = 20;
  CertEncoding encoding = CertEncoding::x509_signature;
  Bytes authorities;
  /// The authorities split into 20-byte hashes (views into `authorities`), or
  /// nullopt when the list is not a whole number of hashes.
  std::optional<std::vector<ByteView>> sha1_authorities() const;
  static Result<CertReqPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const CertReqPayload&, const CertReqPayload&) = default;
};

/// AUTH payload, RFC 7296 3.8 (for DIGITAL_SIGNATURE the data starts with the
/// RFC 7427 AlgorithmIdentifier; that is interpreted by crypto, not here).
/// The authentication data may not be empty.
struct AuthPayload {
  AuthMethod method = AuthMethod::shared_key_mic;
  Bytes data;
  static Result<AuthPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const AuthPayload&, const AuthPayload&) = default;
};

/// Ni / Nr payload, RFC 7296 3.9: 16 to 256 octets.
struct NoncePayload {
  static constexpr std::size_t kMinSize = 16;
  static constexpr std::size_t kMaxSize = 256;
  Bytes data;
  static Result<NoncePayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const NoncePayload&, const NoncePayload&) = default;
};

/// N payload, RFC 7296 3.10. The SPI size (taken from `spi`) must be 0, 4 or 8.
struct NotifyPayload {
  ProtocolId protocol = ProtocolId::none;
  Bytes spi;
  NotifyType type = NotifyType::initial_contact;
  Bytes data;
  static Result<NotifyPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const NotifyPayload&, const NotifyPayload&) = default;
};

/// D payload, RFC 7296 3.11. For IKE the SPI size is 0 and the SPI list is
/// empty; for ESP and AH the SPI size is 4 and every SPI is 4 bytes. Other
/// protocols are refused.
struct DeletePayload {
  ProtocolId protocol = ProtocolId::esp;
  std::uint8_t spi_size = 4;
  std::vector<Bytes> spis;
  static Result<DeletePayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const DeletePayload&, const DeletePayload&) = default;
};

/// V payload, RFC 7296 3.12. Any length, even empty.
struct VendorIdPayload {
  Bytes data;
  static Result<VendorIdPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const VendorIdPayload&, const VendorIdPayload&) = default;
};

/// One traffic selector, RFC 7296 3.13.1. Addresses are 4 bytes for
/// TS_IPV4_ADDR_RANGE (Selector Length 16) and 16 for TS_IPV6_ADDR_RANGE
/// (Selector Length 40). A selector of any other type (e.g. RFC 9478
/// TS_SECLABEL) is kept uninterpreted in `opaque` (its bytes after the 4-byte
/// selector header; the second header byte is in `ip_protocol`), ports and
/// addresses unused, so that the narrowing layer can answer TS_UNACCEPTABLE.
struct TrafficSelector {
  TsType type = TsType::ipv4_addr_range;
  std::uint8_t ip_protocol = 0;
  std::uint16_t start_port = 0;
  std::uint16_t end_port = 65535;
  Bytes start_address;
  Bytes end_address;
  Bytes opaque;
  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
};

/// TSi / TSr payload, RFC 7296 3.13. At least one selector; Number of TSs
/// must match the selectors present.
struct TsPayload {
  std::vector<TrafficSelector> selectors;
  static Result<TsPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const TsPayload&, const TsPayload&) = default;
};

/// SK payload, RFC 7296 3.14, still encrypted: IV, ciphertext (with padding
/// and pad length inside) and ICV, split by the protection layer which knows
/// the algorithm. `first_inner` is the generic header's Next Payload field.
struct EncryptedPayload {
  PayloadType first_inner = PayloadType::none;
  Bytes body;
  static Result<EncryptedPayload> decode(ByteView body, PayloadType first_inner);
  void encode(Writer& out) const;
  friend bool operator==(const EncryptedPayload&, const EncryptedPayload&) = default;
};

/// SKF payload, RFC 7383 2.5, still encrypted. `first_inner` is non-zero only
/// in fragment number 1 (as received; not enforced here). Decoding requires
/// Total Fragments >= 1 and 1 <= Fragment Number <= Total Fragments.
struct EncryptedFragmentPayload {
  PayloadType first_inner = PayloadType::none;
  std::uint16_t number = 1;
  std::uint16_t total = 1;
  Bytes body;
  static Result<EncryptedFragmentPayload> decode(ByteView body, PayloadType first_inner);
  void encode(Writer& out) const;
  friend bool operator==(const EncryptedFragmentPayload&,
                         const EncryptedFragmentPayload&) = default;
};

/// One configuration attribute, RFC 7296 3.15.1.
struct ConfigAttribute {
  std::uint16_t type = 0;
  Bytes value;
  friend bool operator==(const ConfigAttribute&, const ConfigAttribute&) = default;
};

/// CP payload, RFC 7296 3.15. Attribute values are opaque here; the
/// attributes must exactly fill the payload.
struct ConfigPayload {
  CfgType cfg_type = CfgType::request;
  std::vector<ConfigAttribute> attributes;
  static Result<ConfigPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const ConfigPayload&, const ConfigPayload&) = default;
};

/// EAP payload, RFC 7296 3.16: the EAP message, carried opaquely after its
/// header (code, identifier, length) is checked against the payload length.
struct EapPayload {
  Bytes message;
  static Result<EapPayload> decode(ByteView body);
  void encode(Writer& out) const;
  friend bool operator==(const EapPayload&, const EapPayload&) = default;
};

/// A payload whose type libike does not know and whose critical bit was clear:
/// kept so that it can be logged, never interpreted (RFC 7296 2.5).
struct UnknownPayload {
  std::uint8_t raw_type = 0;
  Bytes body;
  friend bool operator==(const UnknownPayload&, const UnknownPayload&) = default;
};

using PayloadBody =
    std::variant<SaPayload, KePayload, IdPayload, CertPayload, CertReqPayload, AuthPayload,
                 NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload, TsPayload,
                 EncryptedPayload, EncryptedFragmentPayload, ConfigPayload, EapPayload,
                 UnknownPayload>;

/// A payload in a chain: its type (which tells IDi from IDr, TSi from TSr), the
/// critical bit as received or to be sent, and the body.
struct Payload {
  PayloadType type = PayloadType::none;
  bool critical = false;
  PayloadBody body;
  friend bool operator==(const Payload&, const Payload&) = default;
};

}  // namespace ike::wire
