#include "support/pcap.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace ike::test {
namespace {

constexpr std::uint32_t kLinkEthernet = 1;
constexpr std::uint32_t kLinkRaw = 101;
constexpr std::uint32_t kLinkLinuxSll = 113;
constexpr std::uint32_t kLinkLinuxSll2 = 276;

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;

constexpr std::uint8_t kIpProtoUdp = 17;

Error capture_error(std::string reason) {
  return make_error(Errc::invalid_syntax, "capture: " + std::move(reason));
}

std::uint16_t big16(ByteView data, std::size_t at) {
  return static_cast<std::uint16_t>(data[at] << 8 | data[at + 1]);
}

/// Reads the capture file's own integers, whose byte order its magic decides.
struct FileOrder {
  bool big_endian = false;
  std::uint16_t u16(ByteView data, std::size_t at) const {
    if (big_endian) return big16(data, at);
    return static_cast<std::uint16_t>(data[at] | data[at + 1] << 8);
  }
  std::uint32_t u32(ByteView data, std::size_t at) const {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      std::size_t index = big_endian ? at + i : at + 3 - i;
      value = value << 8 | data[index];
    }
    return value;
  }
};

/// The UDP datagram of one IP packet, or nothing when the packet is not a
/// complete, unfragmented UDP datagram.
void take_udp(ByteView udp, std::vector<UdpDatagram>& out) {
  if (udp.size() < 8) return;
  std::uint16_t length = big16(udp, 4);
  if (length < 8 || length > udp.size()) return;
  UdpDatagram datagram;
  datagram.source_port = big16(udp, 0);
  datagram.destination_port = big16(udp, 2);
  datagram.payload.assign(udp.begin() + 8, udp.begin() + length);
  out.push_back(std::move(datagram));
}

void take_ipv4(ByteView packet, std::vector<UdpDatagram>& out) {
  if (packet.size() < 20) return;
  std::size_t header_length = (packet[0] & 0x0f) * 4u;
  std::size_t total_length = big16(packet, 2);
  bool fragment = (big16(packet, 6) & 0x3fff) != 0;  // MF set or offset non-zero
  if (header_length < 20 || total_length < header_length || total_length > packet.size()) return;
  if (fragment || packet[9] != kIpProtoUdp) return;
  take_udp(packet.subspan(header_length, total_length - header_length), out);
}

void take_ipv6(ByteView packet, std::vector<UdpDatagram>& out) {
  if (packet.size() < 40) return;
  std::size_t payload_length = big16(packet, 4);
  if (40 + payload_length > packet.size()) return;
  std::uint8_t next = packet[6];
  ByteView rest = packet.subspan(40, payload_length);
  // Hop-by-hop (0), routing (43) and destination options (60) are skipped;
  // a fragment header (44) means an incomplete datagram.
  while (next == 0 || next == 43 || next == 60) {
    if (rest.size() < 8) return;
    std::size_t length = (rest[1] + 1u) * 8u;
    if (length > rest.size()) return;
    next = rest[0];
    rest = rest.subspan(length);
  }
  if (next == kIpProtoUdp) take_udp(rest, out);
}

void take_ip(std::uint16_t ether_type, ByteView packet, std::vector<UdpDatagram>& out) {
  if (ether_type == kEtherIpv4) take_ipv4(packet, out);
  if (ether_type == kEtherIpv6) take_ipv6(packet, out);
}

void take_frame(std::uint32_t link_type, ByteView frame, std::vector<UdpDatagram>& out) {
  switch (link_type) {
    case kLinkEthernet: {
      std::size_t at = 12;
      if (frame.size() < at + 2) return;
      std::uint16_t type = big16(frame, at);
      while ((type == kEtherVlan || type == kEtherQinQ) && frame.size() >= at + 6) {
        at += 4;
        type = big16(frame, at);
      }
      take_ip(type, frame.subspan(at + 2), out);
      return;
    }
    case kLinkRaw:
      if (frame.empty()) return;
      take_ip((frame[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4, frame, out);
      return;
    case kLinkLinuxSll:
      if (frame.size() < 16) return;
      take_ip(big16(frame, 14), frame.subspan(16), out);
      return;
    case kLinkLinuxSll2:
      if (frame.size() < 20) return;
      take_ip(big16(frame, 0), frame.subspan(20), out);
      return;
    default:
      return;
  }
}

bool supported_link(std::uint32_t link_type) {
  return link_type == kLinkEthernet || link_type == kLinkRaw || link_type == kLinkLinuxSll ||
         link_type == kLinkLinuxSll2;
}

/// Classic libpcap: 24-byte file header, then 16-byte record headers.
Result<std::vector<UdpDatagram>> parse_classic(ByteView file, FileOrder order) {
  if (file.size() < 24) return capture_error("pcap file header truncated");
  std::uint32_t link_type = order.u32(file, 20) & 0x0fffffff;
  if (!supported_link(link_type))
    return capture_error("unsupported link type " + std::to_string(link_type));
  std::vector<UdpDatagram> out;
  std::size_t at = 24;
  while (at < file.size()) {
    if (file.size() - at < 16) return capture_error("pcap record header truncated");
    std::uint32_t captured = order.u32(file, at + 8);
    at += 16;
    if (captured > file.size() - at) return capture_error("pcap record overruns the file");
    take_frame(link_type, file.subspan(at, captured), out);
    at += captured;
  }
  return out;
}

/// pcapng: blocks of (type, total length, body, total length); the section
/// header's byte-order magic decides the byte order of its section.
Result<std::vector<UdpDatagram>> parse_pcapng(ByteView file) {
  constexpr std::uint32_t kSectionHeader = 0x0a0d0d0a;
  constexpr std::uint32_t kInterfaceDescription = 1;
  constexpr std::uint32_t kObsoletePacket = 2;
  constexpr std::uint32_t kSimplePacket = 3;
  constexpr std::uint32_t kEnhancedPacket = 6;
  std::vector<UdpDatagram> out;
  std::vector<std::uint32_t> interfaces;
  FileOrder order;
  std::size_t at = 0;
  while (at < file.size()) {
    if (file.size() - at < 12) return capture_error("pcapng block header truncated");
    ByteView block = file.subspan(at);
    if (FileOrder{}.u32(block, 0) == kSectionHeader) {
      if (block.size() < 28) return capture_error("pcapng section header truncated");
      std::uint32_t magic = FileOrder{}.u32(block, 8);
      if (magic != 0x1a2b3c4d && magic != 0x4d3c2b1a)
        return capture_error("pcapng byte-order magic is wrong");
      order.big_endian = magic == 0x4d3c2b1a;
      interfaces.clear();
    }
    std::uint32_t type = order.u32(block, 0);
    std::uint32_t length = order.u32(block, 4);
    if (length < 12 || length % 4 != 0 || length > block.size())
      return capture_error("pcapng block length " + std::to_string(length) + " is invalid");
    ByteView body = block.subspan(8, length - 12);
    if (type == kInterfaceDescription) {
      if (body.size() < 8) return capture_error("pcapng interface block truncated");
      interfaces.push_back(order.u16(body, 0));
    } else if (type == kEnhancedPacket || type == kObsoletePacket) {
      if (body.size() < 20) return capture_error("pcapng packet block truncated");
      std::uint32_t interface = type == kEnhancedPacket ? order.u32(body, 0) : order.u16(body, 0);
      std::uint32_t captured = order.u32(body, 12);
      if (interface >= interfaces.size())
        return capture_error("pcapng packet on undeclared interface");
      if (captured > body.size() - 20) return capture_error("pcapng packet overruns its block");
      if (!supported_link(interfaces[interface]))
        return capture_error("unsupported link type " + std::to_string(interfaces[interface]));
      take_frame(interfaces[interface], body.subspan(20, captured), out);
    } else if (type == kSimplePacket) {
      if (interfaces.empty() || body.size() < 4)
        return capture_error("pcapng simple packet block without interface");
      std::size_t captured = std::min<std::size_t>(order.u32(body, 0), body.size() - 4);
      take_frame(interfaces[0], body.subspan(4, captured), out);
    }
    at += length;
  }
  return out;
}

}  // namespace

Result<std::vector<UdpDatagram>> parse_capture_udp(ByteView file) {
  if (file.size() < 4) return capture_error("file of " + std::to_string(file.size()) + " bytes");
  std::uint32_t magic = FileOrder{true}.u32(file, 0);
  switch (magic) {
    case 0x0a0d0d0a:
      return parse_pcapng(file);
    case 0xa1b2c3d4:  // microsecond timestamps
    case 0xa1b23c4d:  // nanosecond timestamps
      return parse_classic(file, FileOrder{true});
    case 0xd4c3b2a1:
    case 0x4d3cb2a1:
      return parse_classic(file, FileOrder{false});
    default:
      return capture_error("unknown file magic");
  }
}

std::vector<UdpDatagram> read_pcap_udp(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    std::fprintf(stderr, "read_pcap_udp: cannot open %s\n", path.c_str());
    return {};
  }
  Bytes file((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  auto datagrams = parse_capture_udp(file);
  if (!datagrams) {
    std::fprintf(stderr, "read_pcap_udp: %s: %s\n", path.c_str(), datagrams.error().reason.c_str());
    return {};
  }
  return std::move(datagrams).value();
}

Bytes strip_non_esp_marker(const UdpDatagram& datagram) {
  const Bytes& payload = datagram.payload;
  bool marked = payload.size() >= 4 && payload[0] == 0 && payload[1] == 0 && payload[2] == 0 &&
                payload[3] == 0;
  if (!marked) return payload;
  return Bytes(payload.begin() + 4, payload.end());
}

}  // namespace ike::test
