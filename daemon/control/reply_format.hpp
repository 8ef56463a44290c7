#pragma once
/// ikectl's human output: one function per reply record type (command.hpp
/// documents the records). Every function tolerates missing fields and
/// fields of the wrong type (they are left out), and returns text that is
/// safe for a terminal (control characters escaped), each line ending in
/// '\n'; an empty string means "print nothing".

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ikev2d::control {

/// "[info] office[1] 1a2b…/5e6f… sending IKE_SA_INIT request"
std::string format_log_line(const nlohmann::json& line);

/// An "ike_sa" record in the shape of strongSwan's `ipsec statusall`:
///   office[1]: ESTABLISHED, 192.0.2.1[4500] [moon] ... 192.0.2.2[4500] [sun]
///   office[1]: IKEv2 SPIs: 1a2b3c4d5e6f7a8b_i* 0102030405060708_r, initiator, local behind NAT
///   office[1]: AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519, established 120 s ago, rekey in 3400
///   s net{2}:  INSTALLED, TUNNEL, reqid 1, ESP in UDP SPIs: c0000001_i c0000002_o net{2}:
///   AES_GCM_16_256, 1200 bytes_i (10 pkts), 2400 bytes_o (20 pkts), rekey in 3000 s
///   net{2}:   10.1.0.0/16 === 10.2.0.0/16
/// then "last failure: ..." lines where a record has "last_failure". The
/// SPI marked '*' is ours.
std::string format_ike_sa(const nlohmann::json& record);

/// A "connection" record: "name:" then one indented "key: value" line per
/// field, the documented ones first; children as nested blocks.
std::string format_connection(const nlohmann::json& record);

/// A "certificate" record: "subject:" then one indented "key: value" per field.
std::string format_certificate(const nlohmann::json& record);

/// A successful "result" line: its "message", if any.
std::string format_result(const nlohmann::json& line);

/// Any reply line, by its "type"; unknown types print as key: value blocks.
std::string format_reply_line(const nlohmann::json& line);

/// `text` with C0/C1 control characters (newline too) and DEL as \xNN, so a
/// peer's identity can neither drive the operator's terminal nor forge lines.
std::string terminal_safe(std::string_view text);

}  // namespace ikev2d::control
