#pragma once
/// A small capture reader for tests: the UDP datagrams of a classic pcap or a
/// pcapng file (the strongSwan vectors are pcapng), so known-answer tests can
/// take real IKE messages out of tests/vectors/*/exchange.pcap.
///
/// Link types: Ethernet (1, with 802.1Q/802.1ad tags), raw IP (101), Linux
/// cooked SLL (113) and SLL2 (276). Network layers: IPv4 and IPv6 (extension
/// headers skipped); IP fragments are not reassembled and are skipped.
/// Anything that is not UDP is skipped. UDP payloads are returned as captured:
/// on port 4500 the 4-byte non-ESP marker is still in front of the IKE header.

#include <cstdint>
#include <string>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/error.hpp"

namespace ike::test {

struct UdpDatagram {
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  Bytes payload;
};

/// Parses a whole capture file held in memory. Fails with the exact reason on
/// a malformed or truncated file or an unsupported link type.
Result<std::vector<UdpDatagram>> parse_capture_udp(ByteView file);

/// Reads `path` and returns its UDP datagrams in capture order. On an
/// unreadable or malformed file it prints the reason to stderr and returns an
/// empty vector, so a test's size check fails with that reason in its log.
std::vector<UdpDatagram> read_pcap_udp(const std::string& path);

/// Strips the 4-byte non-ESP marker (RFC 3948 2.2) of a datagram sent on the
/// NAT-T port; returns the payload unchanged when it does not start with it.
Bytes strip_non_esp_marker(const UdpDatagram& datagram);

}  // namespace ike::test
