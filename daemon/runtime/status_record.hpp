#pragma once
/// The "ike_sa" records of `ikectl status` (schema in control/command.hpp),
/// built straight from the engine's IKE SAs as JSON text (json_line.hpp):
/// 100,000 SAs must stream in well under a second. Byte and packet counters
/// come from the kernel (Kernel::query_sa) for the ESP SAs that are
/// installed. Built per SA so the caller can stream them in batches.

#include <string>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/sa/task.hpp"
#include "ike/sa/time.hpp"

namespace ikev2d::runtime {

/// "10.1.0.1[500]", "2001:db8::1[4500]": ADDRESS[PORT] as strongSwan's status
/// prints endpoints (no ambiguity with IPv6 colons).
std::string endpoint_text(const ike::sa::Endpoint& endpoint);

/// One "ike_sa" record as one line of JSON (no newline). `kernel` may be
/// null (counters are then zero). State names are the engine's
/// ("ESTABLISHED", "INSTALLED").
std::string ike_sa_record(const ike::sa::IkeSa& sa, ike::sa::Kernel* kernel, ike::MonoTime now);

}  // namespace ikev2d::runtime
