#pragma once
/// The shape of every error and warning of a configuration load:
///   /etc/ikev2d/ipsec.conf:12: conn office: leftcert: cannot read ...
/// The location is where the keyword was written (its own conn, an also=
/// parent or %default), so the operator goes straight to the line.

#include <string>
#include <string_view>

#include "ike/config/conn_config.hpp"
#include "ike/error.hpp"

namespace ikev2d::setup::detail {

/// "FILE:LINE: conn NAME: text", located at `keyword` (or the conn header
/// when the keyword was not written).
std::string conn_message(const ike::config::ConnConfig& conn, const std::string& keyword,
                         std::string_view text);

/// An Error with conn_message() as its reason.
ike::Error conn_error(const ike::config::ConnConfig& conn, const std::string& keyword,
                      std::string_view text, ike::Errc code = ike::Errc::invalid_argument);

/// "FILE:LINE: text".
std::string located(const ike::config::Location& where, std::string_view text);

/// Whether `keyword` was written for this conn (own section, also= or %default).
bool is_written(const ike::config::ConnConfig& conn, const std::string& keyword);

}  // namespace ikev2d::setup::detail
