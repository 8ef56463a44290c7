#include "support/strongswan_vectors.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

namespace ike::test {

namespace {

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return std::string(text.substr(begin, end - begin));
}

/// The message part of a charon line: what follows "[IKE] " / "[CHD] ".
std::optional<std::string_view> charon_message(std::string_view line) {
  std::size_t bracket = line.find("] ");
  if (bracket == std::string_view::npos || bracket < 4 || line[bracket - 4] != '[')
    return std::nullopt;
  return line.substr(bracket + 2);
}

/// "  16: 2C 9E ...  ascii" -> the octets; nullopt if not a dump line. The hex
/// area is 16 columns of "XX " so the ASCII column is never read as hex.
std::optional<Bytes> dump_line_octets(std::string_view message) {
  std::size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return std::nullopt;
  std::string offset = trim(message.substr(0, colon));
  if (offset.empty() || offset.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  std::string_view hex_area = message.substr(colon + 2, 16 * 3);
  Bytes octets;
  for (std::size_t at = 0; at + 2 <= hex_area.size(); at += 3) {
    if (hex_area[at] == ' ') break;
    auto octet = from_hex(hex_area.substr(at, 2));
    if (!octet) return std::nullopt;
    octets.push_back((*octet)[0]);
  }
  return octets;
}

}  // namespace

std::string vector_path(std::string_view case_name, std::string_view file) {
  return std::string(IKE_SHARED_VECTORS_DIR) + "/" + std::string(case_name) + "/" +
         std::string(file);
}

std::optional<CharonLog> CharonLog::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  CharonLog log;
  std::string line;
  std::string label;
  std::size_t announced = 0;
  Bytes current;
  auto close_dump = [&]() {
    if (label.empty()) return true;
    const bool complete = current.size() == announced;
    log.dumps_[label].push_back(current);
    label.clear();
    current.clear();
    return complete;
  };
  while (std::getline(in, line)) {
    auto message = charon_message(line);
    if (!message) continue;
    if (auto octets = dump_line_octets(*message); octets && !label.empty()) {
      current.insert(current.end(), octets->begin(), octets->end());
      continue;
    }
    if (!close_dump()) return std::nullopt;
    std::size_t arrow = message->find(" => ");
    std::size_t bytes_word = message->find(" bytes @ ");
    if (arrow == std::string_view::npos || bytes_word == std::string_view::npos) continue;
    label = std::string(message->substr(0, arrow));
    announced = std::stoul(std::string(message->substr(arrow + 4, bytes_word - arrow - 4)));
  }
  if (!close_dump()) return std::nullopt;
  return log;
}

const std::vector<Bytes>& CharonLog::dumps(const std::string& label) const {
  static const std::vector<Bytes> kNone;
  auto found = dumps_.find(label);
  return found == dumps_.end() ? kNone : found->second;
}

std::vector<std::string> dissection_values(const std::string& path, std::string_view field) {
  std::ifstream in(path);
  std::vector<std::string> values;
  std::string line;
  const std::string key = std::string(field) + ": ";
  while (std::getline(in, line)) {
    std::string text = trim(line);
    if (text.rfind(key, 0) == 0) values.push_back(trim(std::string_view(text).substr(key.size())));
  }
  return values;
}

std::map<std::string, std::string> read_vectors_txt(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t equals = line.find(" = ");
    if (equals == std::string::npos) continue;
    std::istringstream rest(line.substr(equals + 3));
    std::string first_word;
    rest >> first_word;
    values[trim(std::string_view(line).substr(0, equals))] = first_word;
  }
  return values;
}

}  // namespace ike::test
