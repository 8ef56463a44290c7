#pragma once
/// The "ike_sa" records of `ikectl status` (schema in control/command.hpp),
/// built straight from the engine's IKE SAs as JSON text (json_line.hpp):
/// 100,000 SAs must stream in well under a second. Byte and packet counters
/// come from the kernel (Kernel::query_sa) for the ESP SAs that are
/// installed. Built per SA so the caller can stream them in batches.

#include <string>
#include <unordered_map>

#include "ike/crypto/pki/identity.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/sa/task.hpp"
#include "ike/sa/time.hpp"

namespace ikev2d::runtime {

/// "10.1.0.1[500]", "2001:db8::1[4500]": ADDRESS[PORT] as strongSwan's status
/// prints endpoints (no ambiguity with IPv6 colons).
std::string endpoint_text(const ike::sa::Endpoint& endpoint);

/// The texts of the identities of one listing. A DN is formatted by OpenSSL
/// (X509_NAME through a BIO, several µs), and a road-warrior gateway's SAs
/// share a few: formatting each once per listing instead of twice per SA
/// took `ikectl status` on 100,000 certificate SAs from 2.1 s to the 0.7 s of
/// PSK ones. Bounded: a listing of that many distinct identities starts over.
class IdentityTexts {
 public:
  const std::string& of(const ike::pki::Identity& identity);

 private:
  static constexpr std::size_t kMaxEntries = 4096;
  /// Keyed by the ID type octet followed by the ID data.
  std::unordered_map<std::string, std::string> texts_;
};

/// One "ike_sa" record as one line of JSON (no newline). `kernel` may be
/// null (counters are then zero). State names are the engine's
/// ("ESTABLISHED", "INSTALLED").
std::string ike_sa_record(const ike::sa::IkeSa& sa, ike::sa::Kernel* kernel, ike::MonoTime now,
                          IdentityTexts& identities);

}  // namespace ikev2d::runtime
