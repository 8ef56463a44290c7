#include "control/reply_format.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <vector>

namespace ikev2d::control {
namespace {

using json = nlohmann::json;

std::optional<std::string> text_of(const json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::uint64_t> number_of(const json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  }
  return std::nullopt;
}

bool flag_of(const json& record, const char* key) {
  auto it = record.find(key);
  return it != record.end() && it->is_boolean() && it->get<bool>();
}

/// Strings of a string array, or of a lone string; others are skipped.
std::vector<std::string> texts_of(const json& record, const char* key) {
  std::vector<std::string> texts;
  auto it = record.find(key);
  if (it == record.end()) return texts;
  if (it->is_string()) texts.push_back(it->get<std::string>());
  if (it->is_array()) {
    for (const auto& element : *it) {
      if (element.is_string()) texts.push_back(element.get<std::string>());
    }
  }
  return texts;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

/// "office[1]", "net{2}", or just the name when the serial is missing.
std::string label(const json& record, const char* name_key, char open, char close,
                  const char* fallback) {
  std::string label = text_of(record, name_key).value_or(fallback);
  if (auto serial = number_of(record, "serial")) {
    label += open + std::to_string(*serial) + close;
  }
  return label;
}

/// "192.0.2.1[4500] [moon]"
std::string endpoint(const json& record, const char* address_key, const char* id_key) {
  std::vector<std::string> parts;
  parts.push_back(text_of(record, address_key).value_or(""));
  if (auto id = text_of(record, id_key)) parts.push_back("[" + *id + "]");
  return join(parts, " ");
}

std::string seconds_phrase(const json& record, const char* key, const char* before,
                           const char* after) {
  auto seconds = number_of(record, key);
  if (!seconds) return "";
  return std::string(before) + std::to_string(*seconds) + " s" + after;
}

std::string ike_header_line(const json& record) {
  std::string local = endpoint(record, "local", "local_id");
  std::string remote = endpoint(record, "remote", "remote_id");
  std::string peers;
  if (!local.empty() || !remote.empty()) {
    peers = (local.empty() ? "?" : local) + " ... " + (remote.empty() ? "?" : remote);
  }
  return join({text_of(record, "state").value_or(""), peers}, ", ");
}

std::string ike_spi_line(const json& record) {
  bool initiator = flag_of(record, "initiator");
  std::vector<std::string> spis;
  if (auto spi = text_of(record, "spi_i")) spis.push_back(*spi + "_i" + (initiator ? "*" : ""));
  if (auto spi = text_of(record, "spi_r")) spis.push_back(*spi + "_r" + (initiator ? "" : "*"));
  std::vector<std::string> parts;
  if (!spis.empty()) parts.push_back("IKEv2 SPIs: " + join(spis, " "));
  if (record.contains("initiator") && record["initiator"].is_boolean()) {
    parts.push_back(initiator ? "initiator" : "responder");
  }
  if (flag_of(record, "nat_local")) parts.push_back("local behind NAT");
  if (flag_of(record, "nat_remote")) parts.push_back("remote behind NAT");
  return join(parts, ", ");
}

std::string ike_timing_line(const json& record) {
  // An SA still negotiating has no age worth showing, whatever the field says.
  auto state = text_of(record, "state");
  bool negotiating = state == "CONNECTING" || state == "CREATED";
  return join({text_of(record, "algorithms").value_or(""),
               negotiating ? std::string()
                           : seconds_phrase(record, "established_seconds", "established ", " ago"),
               seconds_phrase(record, "rekey_in_seconds", "rekey in ", "")},
              ", ");
}

/// "1200 bytes_i (10 pkts)", or the half that is there.
std::string traffic(const json& child, const char* bytes_key, const char* packets_key,
                    const char* suffix) {
  auto bytes = number_of(child, bytes_key);
  auto packets = number_of(child, packets_key);
  if (bytes && packets) {
    return std::to_string(*bytes) + " bytes_" + suffix + " (" + std::to_string(*packets) + " pkts)";
  }
  if (bytes) return std::to_string(*bytes) + " bytes_" + suffix;
  if (packets) return std::to_string(*packets) + " pkts_" + suffix;
  return "";
}

std::string child_state_line(const json& child) {
  std::vector<std::string> spis;
  if (auto spi = text_of(child, "spi_in")) spis.push_back(*spi + "_i");
  if (auto spi = text_of(child, "spi_out")) spis.push_back(*spi + "_o");
  std::string spi_text;
  if (!spis.empty()) {
    spi_text =
        (flag_of(child, "encapsulated") ? "ESP in UDP SPIs: " : "ESP SPIs: ") + join(spis, " ");
  }
  std::string reqid;
  if (auto number = number_of(child, "reqid")) reqid = "reqid " + std::to_string(*number);
  return join({text_of(child, "state").value_or(""), upper(text_of(child, "mode").value_or("")),
               reqid, spi_text},
              ", ");
}

std::string child_traffic_line(const json& child) {
  return join(
      {text_of(child, "algorithms").value_or(""), traffic(child, "bytes_in", "packets_in", "i"),
       traffic(child, "bytes_out", "packets_out", "o"),
       seconds_phrase(child, "rekey_in_seconds", "rekey in ", "")},
      ", ");
}

std::string child_selector_line(const json& child) {
  std::string local = join(texts_of(child, "local_ts"), ", ");
  std::string remote = join(texts_of(child, "remote_ts"), ", ");
  if (local.empty() && remote.empty()) return "";
  return " " + (local.empty() ? "?" : local) + " === " + (remote.empty() ? "?" : remote);
}

/// Appends one output line, escaped: a newline inside a value cannot forge
/// a line of its own.
void emit(std::string& out, const std::string& line) {
  out += terminal_safe(line) + "\n";
}

void add_line(std::string& out, const std::string& prefix, const std::string& text) {
  if (text.empty()) return;
  emit(out, prefix + ": " + text);
}

void add_child(std::string& out, const json& child) {
  if (!child.is_object()) return;
  std::string prefix = label(child, "name", '{', '}', "?");
  std::size_t before = out.size();
  std::string failure;
  if (auto text = text_of(child, "last_failure")) failure = "last failure: " + *text;
  for (const auto& text :
       {child_state_line(child), child_traffic_line(child), child_selector_line(child), failure}) {
    if (!text.empty()) add_line(out, prefix, " " + text);
  }
  if (out.size() == before) emit(out, prefix + ":");
}

// --- key: value records (connections, certificates, unknown types) ---

std::string scalar_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_null()) return "-";
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool all_scalars(const json& array) {
  return std::none_of(array.begin(), array.end(),
                      [](const json& e) { return e.is_array() || e.is_object(); });
}

void add_fields(std::string& out, const json& record, std::initializer_list<const char*> first,
                std::initializer_list<const char*> skip, const std::string& indent);

void add_field(std::string& out, const std::string& key, const json& value,
               const std::string& indent) {
  if (value.is_object()) {
    emit(out, indent + key + ":");
    add_fields(out, value, {}, {}, indent + "  ");
  } else if (value.is_array() && !all_scalars(value)) {
    emit(out, indent + key + ":");
    for (const auto& element : value) {
      if (!element.is_object()) {
        emit(out, indent + "  - " + scalar_text(element));
        continue;
      }
      emit(out, indent + "  " + text_of(element, "name").value_or("-") + ":");
      add_fields(out, element, {"mode", "local_ts", "remote_ts", "esp_proposals"}, {"name"},
                 indent + "    ");
    }
  } else if (value.is_array()) {
    std::vector<std::string> parts;
    for (const auto& element : value)
      parts.push_back(scalar_text(element));
    emit(out, indent + key + ": " + (parts.empty() ? "-" : join(parts, ", ")));
  } else {
    emit(out, indent + key + ": " + scalar_text(value));
  }
}

void add_fields(std::string& out, const json& record, std::initializer_list<const char*> first,
                std::initializer_list<const char*> skip, const std::string& indent) {
  auto listed = [](std::initializer_list<const char*> keys, const std::string& key) {
    return std::any_of(keys.begin(), keys.end(), [&key](const char* k) { return key == k; });
  };
  for (const char* key : first) {
    if (auto it = record.find(key); it != record.end()) add_field(out, key, *it, indent);
  }
  for (const auto& [key, value] : record.items()) {  // the rest, in key order
    if (listed(first, key) || listed(skip, key) || key == "type") continue;
    add_field(out, key, value, indent);
  }
}

std::string key_value_record(const json& record, const char* name_key, const char* fallback,
                             std::initializer_list<const char*> order) {
  if (!record.is_object()) return "";
  std::string out;
  emit(out, text_of(record, name_key).value_or(fallback) + ":");
  add_fields(out, record, order, {name_key}, "  ");
  return out;
}

/// C1 controls (U+0080..U+009F) are 0xC2 0x80..0x9F in UTF-8.
bool is_c1_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]) == 0xc2 && i + 1 < text.size() &&
         static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(text[i + 1]) <= 0x9f;
}

bool needs_escape(std::string_view text, std::size_t i) {
  auto byte = static_cast<unsigned char>(text[i]);
  return byte < 0x20 || byte == 0x7f || is_c1_at(text, i);
}

}  // namespace

std::string terminal_safe(std::string_view text) {
  // Nearly every text is safe as it is (`ikectl status` passes 100,000 SAs'
  // worth through here): copy it at once, not byte by byte.
  std::size_t first = 0;
  while (first < text.size() && !needs_escape(text, first))
    ++first;
  std::string safe(text.substr(0, first));
  if (first == text.size()) return safe;
  safe.reserve(text.size() + 8);
  for (std::size_t i = first; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (needs_escape(text, i)) {
      char escaped[16];
      if (is_c1_at(text, i)) {
        std::snprintf(escaped, sizeof escaped, "\\xc2\\x%02x",
                      static_cast<unsigned char>(text[++i]));
      } else {
        std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      }
      safe += escaped;
    } else {
      safe += static_cast<char>(byte);
    }
  }
  return safe;
}

std::string format_log_line(const json& line) {
  if (!line.is_object()) return "";
  std::vector<std::string> parts;
  parts.push_back("[" + text_of(line, "level").value_or("log") + "]");
  auto who = text_of(line, "sa");
  if (!who) who = text_of(line, "connection");
  if (who) parts.push_back(*who);
  parts.push_back(text_of(line, "message").value_or(""));
  std::string out;
  emit(out, join(parts, " "));
  return out;
}

std::string format_ike_sa(const json& record) {
  if (!record.is_object()) return "";
  std::string prefix = label(record, "connection", '[', ']', "?");
  std::string out;
  add_line(out, prefix, ike_header_line(record));
  add_line(out, prefix, ike_spi_line(record));
  add_line(out, prefix, ike_timing_line(record));
  if (auto failure = text_of(record, "last_failure"))
    add_line(out, prefix, "last failure: " + *failure);
  if (out.empty()) emit(out, prefix + ":");
  if (auto children = record.find("children"); children != record.end() && children->is_array()) {
    for (const auto& child : *children)
      add_child(out, child);
  }
  return out;
}

std::string format_connection(const json& record) {
  return key_value_record(record, "name", "?",
                          {"auto", "local", "remote", "local_id", "remote_id", "local_auth",
                           "remote_auth", "ike_proposals", "children"});
}

std::string format_certificate(const json& record) {
  return key_value_record(record, "subject", "?",
                          {"issuer", "serial", "not_before", "not_after", "fingerprint_sha256",
                           "has_private_key", "is_ca"});
}

std::string format_result(const json& line) {
  auto message = line.is_object() ? text_of(line, "message") : std::nullopt;
  if (!message || message->empty()) return "";
  std::string out;
  emit(out, *message);
  return out;
}

std::string format_reply_line(const json& line) {
  auto type = line.is_object() ? text_of(line, "type") : std::nullopt;
  if (!type) return "";
  if (*type == "log") return format_log_line(line);
  if (*type == "ike_sa") return format_ike_sa(line);
  if (*type == "connection") return format_connection(line);
  if (*type == "certificate") return format_certificate(line);
  if (*type == "result") return format_result(line);
  return key_value_record(line, "name", type->c_str(), {});
}

}  // namespace ikev2d::control
