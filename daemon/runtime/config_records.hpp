#pragma once
/// The "connection" (ikectl list-conns) and "certificate" (ikectl
/// list-certs) records, schemas in control/command.hpp, from the loaded
/// configuration. Nothing secret is in them: no PSK, no private key.

#include <nlohmann/json.hpp>

#include "setup/configuration.hpp"

namespace ikev2d::runtime {

nlohmann::json connection_record(const setup::ConnectionSetup& setup);
/// `has_private_key`: the certificate is one of ours (a connection's own).
nlohmann::json certificate_record(const ike::pki::Certificate& certificate, bool has_private_key);
/// "2026-11-27T08:00:00Z".
std::string iso_time(ike::WallTime time);

}  // namespace ikev2d::runtime
