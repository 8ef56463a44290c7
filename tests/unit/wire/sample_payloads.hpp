#pragma once
// One well-formed value of every payload type, for round-trip tests.

#include <vector>

#include "ike/wire/message.hpp"
#include "support/test_random.hpp"

namespace ike::wire::sample {

using ike::test::hex;

inline SaPayload sa() {
  // Two proposals: AES-GCM-16-256 / PRF-SHA384 / X25519 for IKE, and ESP with
  // a 4-byte SPI, a TLV attribute of an unassigned type and two equal numbers.
  Transform encr{TransformType::encryption, 20, {{kKeyLengthAttribute, true, 256, {}}}};
  Transform prf{TransformType::prf, 6, {}};
  Transform group{TransformType::key_exchange, 31, {}};
  Transform esp_encr{TransformType::encryption,
                     12,
                     {{kKeyLengthAttribute, true, 128, {}}, {0x1234, false, 0, hex("a1b2c3")}}};
  Transform integ{TransformType::integrity, 12, {}};
  Transform esn{TransformType::esn, 0, {}};
  return SaPayload{{
      Proposal{1, ProtocolId::ike, {}, {encr, prf, group}},
      Proposal{2, ProtocolId::esp, hex("c0ffee01"), {esp_encr, integ, esn}},
      Proposal{2, ProtocolId::ah, hex("c0ffee02"), {integ}},
  }};
}

inline TsPayload ts() {
  TrafficSelector v4{TsType::ipv4_addr_range, 6, 1, 1024, hex("0a4d0200"), hex("0a4d02ff"), {}};
  TrafficSelector v6{TsType::ipv6_addr_range,
                     0,
                     0,
                     65535,
                     hex("20010db8000000000000000000000000"),
                     hex("20010db800000000ffffffffffffffff"),
                     {}};
  return TsPayload{{v4, v6}};
}

/// One payload of every type (both IDs and both TSs), with SK last.
inline std::vector<Payload> all_payloads() {
  return {
      {PayloadType::security_association, false, sa()},
      {PayloadType::key_exchange, false, KePayload{KeGroup::curve25519, Bytes(32, 0x42)}},
      {PayloadType::id_initiator, false, IdPayload{IdType::fqdn, hex("776573742e6578616d706c65")}},
      {PayloadType::id_responder, false, IdPayload{IdType::ipv4_addr, hex("0a4d0001")}},
      {PayloadType::certificate, false, CertPayload{CertEncoding::x509_signature, hex("3082")}},
      {PayloadType::certificate_request, false,
       CertReqPayload{CertEncoding::x509_signature, Bytes(40, 0x11)}},
      {PayloadType::authentication, false, AuthPayload{AuthMethod::shared_key_mic, Bytes(48, 7)}},
      {PayloadType::nonce, false, NoncePayload{Bytes(32, 0x99)}},
      {PayloadType::notify, false,
       NotifyPayload{ProtocolId::esp, hex("01020304"), NotifyType::rekey_sa, {}}},
      {PayloadType::notify, false,
       NotifyPayload{ProtocolId::none, {}, NotifyType::nat_detection_source_ip, Bytes(20, 3)}},
      {PayloadType::delete_, false,
       DeletePayload{ProtocolId::esp, 4, {hex("11111111"), hex("22222222")}}},
      {PayloadType::delete_, false, DeletePayload{ProtocolId::ike, 0, {}}},
      {PayloadType::vendor_id, false, VendorIdPayload{hex("882fe56d6fd20dbc2251613b2ebe5beb")}},
      {PayloadType::ts_initiator, false, ts()},
      {PayloadType::ts_responder, false, ts()},
      {PayloadType::configuration, false,
       ConfigPayload{CfgType::request, {{1, {}}, {3, {}}, {8, hex("0a000001")}}}},
      {PayloadType::eap, false, EapPayload{hex("0201000a01757365727a")}},
      {static_cast<PayloadType>(200), false, UnknownPayload{200, hex("deadbeef")}},
      {PayloadType::encrypted, false, EncryptedPayload{PayloadType::id_initiator, Bytes(40, 0x5a)}},
  };
}

}  // namespace ike::wire::sample
