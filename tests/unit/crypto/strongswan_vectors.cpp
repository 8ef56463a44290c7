#include "strongswan_vectors.hpp"

#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>

namespace ike::crypto::testing {

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

std::uint32_t le32(const Bytes& data, std::size_t at) {
  return data[at] | data[at + 1] << 8 | data[at + 2] << 16 |
         static_cast<std::uint32_t>(data[at + 3]) << 24;
}

std::uint16_t be16(const Bytes& data, std::size_t at) {
  return static_cast<std::uint16_t>(data[at] << 8 | data[at + 1]);
}

std::optional<UdpDatagram> udp_in_ethernet_frame(const Bytes& frame) {
  constexpr std::size_t kEthernet = 14;
  if (frame.size() < kEthernet + 20 || be16(frame, 12) != 0x0800) return std::nullopt;
  const std::size_t ip_header = (frame[kEthernet] & 0x0f) * 4u;
  const std::size_t udp = kEthernet + ip_header;
  if (frame[kEthernet + 9] != 17 || frame.size() < udp + 8) return std::nullopt;
  const std::size_t udp_length = be16(frame, udp + 4);
  if (udp_length < 8 || frame.size() < udp + udp_length) return std::nullopt;
  UdpDatagram datagram;
  datagram.source_port = be16(frame, udp);
  datagram.destination_port = be16(frame, udp + 2);
  auto begin = frame.begin() + static_cast<std::ptrdiff_t>(udp + 8);
  datagram.payload.assign(begin, begin + static_cast<std::ptrdiff_t>(udp_length - 8));
  const bool nat_t = datagram.source_port == 4500 || datagram.destination_port == 4500;
  if (nat_t && datagram.payload.size() >= 4 && datagram.payload[0] == 0 &&
      datagram.payload[1] == 0 && datagram.payload[2] == 0 && datagram.payload[3] == 0) {
    datagram.payload.erase(datagram.payload.begin(), datagram.payload.begin() + 4);
  }
  return datagram;
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

std::vector<UdpDatagram> read_pcapng_udp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<UdpDatagram> datagrams;
  constexpr std::uint32_t kEnhancedPacketBlock = 6;
  std::size_t at = 0;
  while (at + 12 <= file.size()) {
    const std::uint32_t type = le32(file, at);
    const std::uint32_t length = le32(file, at + 4);
    if (length < 12 || at + length > file.size()) break;
    if (type == kEnhancedPacketBlock && length >= 32) {
      const std::uint32_t captured = le32(file, at + 20);
      if (28 + captured <= length) {
        auto begin = file.begin() + static_cast<std::ptrdiff_t>(at + 28);
        Bytes frame(begin, begin + captured);
        if (auto datagram = udp_in_ethernet_frame(frame)) datagrams.push_back(std::move(*datagram));
      }
    }
    at += length;
  }
  return datagrams;
}

}  // namespace ike::crypto::testing
