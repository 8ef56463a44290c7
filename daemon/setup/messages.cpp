#include "setup/messages.hpp"

namespace ikev2d::setup::detail {

std::string located(const ike::config::Location& where, std::string_view text) {
  auto prefix = where.to_string();
  if (prefix.empty()) return std::string(text);
  return prefix + ": " + std::string(text);
}

std::string conn_message(const ike::config::ConnConfig& conn, const std::string& keyword,
                         std::string_view text) {
  return located(conn.origin_of(keyword), "conn " + conn.name + ": " + std::string(text));
}

ike::Error conn_error(const ike::config::ConnConfig& conn, const std::string& keyword,
                      std::string_view text, ike::Errc code) {
  return ike::make_error(code, conn_message(conn, keyword, text));
}

bool is_written(const ike::config::ConnConfig& conn, const std::string& keyword) {
  return conn.origins.count(keyword) != 0;
}

}  // namespace ikev2d::setup::detail
