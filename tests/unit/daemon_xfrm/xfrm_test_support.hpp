#pragma once
// Helpers for the XFRM driver's tests: addresses and selectors from text, and
// reading back the netlink messages the driver builds.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/xfrm.h>

#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ike/ts/ip_address.hpp"
#include "ike/ts/traffic_selector.hpp"
#include "xfrm/netlink_message.hpp"

namespace ikev2d::xfrm::test {

inline ike::IpAddress ip(std::string_view text) {
  auto parsed = ike::IpAddress::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : ike::IpAddress{};
}

/// "10.1.0.0/16" or "10.1.0.5..10.1.0.9".
inline ike::ts::TrafficSelector selector(std::string_view text, std::uint8_t protocol = 0,
                                         ike::ts::PortRange ports = {}) {
  auto dots = text.find("..");
  if (dots != std::string_view::npos) {
    auto range = ike::ts::TrafficSelector::from_range(ip(text.substr(0, dots)),
                                                      ip(text.substr(dots + 2)), protocol, ports);
    EXPECT_TRUE(range) << text;
    return range ? *range : ike::ts::TrafficSelector{};
  }
  auto prefix = ike::IpPrefix::parse(text);
  EXPECT_TRUE(prefix) << text;
  return ike::ts::TrafficSelector::from_prefix(prefix ? *prefix : ike::IpPrefix{}, protocol, ports);
}

/// The header of a built message.
inline const nlmsghdr& header_of(const NetlinkMessage& message) {
  return *message.header();
}

/// The fixed struct at the start of the message's payload.
template <class T>
T fixed_part(const NetlinkMessage& message) {
  auto value = read_struct<T>(message_payload(header_of(message)));
  EXPECT_TRUE(value.has_value());
  return value ? *value : T{};
}

/// Attributes after the fixed struct T; the test fails if they do not parse.
template <class T>
XfrmAttributes attributes_of(const NetlinkMessage& message) {
  auto attributes = parse_xfrm_attributes(header_of(message), sizeof(T), "test message");
  EXPECT_TRUE(attributes) << (attributes ? "" : attributes.error().reason);
  return attributes ? *attributes : XfrmAttributes{};
}

/// The raw bytes of attribute `type` (empty when absent).
inline std::vector<std::uint8_t> attribute_bytes(const XfrmAttributes& attributes,
                                                 std::uint16_t type) {
  const nlattr* attribute = attributes.get(type);
  if (attribute == nullptr) return {};
  auto payload = attribute_payload(*attribute);
  return {payload.begin(), payload.end()};
}

template <class T>
T attribute_as(const XfrmAttributes& attributes, std::uint16_t type) {
  auto bytes = attribute_bytes(attributes, type);
  EXPECT_GE(bytes.size(), sizeof(T)) << xfrm_attribute_name(type);
  T value{};
  if (bytes.size() >= sizeof(T)) std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

inline std::string address_text(const xfrm_address_t& address, std::uint16_t family) {
  char text[INET6_ADDRSTRLEN] = {};
  // Tests only: inet_ntop is the independent reference here.
  return inet_ntop(family, &address, text, sizeof(text)) ? text : "?";
}

/// Builds a netlink message by hand, as the kernel would send it: header,
/// fixed struct, attributes. 4-byte alignment as netlink wants.
class HandBuiltMessage {
 public:
  explicit HandBuiltMessage(std::uint16_t type, std::uint32_t sequence = 0, std::uint32_t port = 0,
                            std::uint16_t flags = 0)
      : bytes_(sizeof(nlmsghdr), 0) {
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_seq = sequence;
    header.nlmsg_pid = port;
    header.nlmsg_flags = flags;
    std::memcpy(bytes_.data(), &header, sizeof(header));
    update_length();
  }
  template <class T>
  HandBuiltMessage& fixed(const T& value) {
    append(&value, sizeof(T));
    return *this;
  }
  HandBuiltMessage& raw(const void* data, std::size_t size) {
    append(data, size);
    return *this;
  }
  HandBuiltMessage& attribute(std::uint16_t type, const void* data, std::size_t size) {
    nlattr attribute{static_cast<std::uint16_t>(sizeof(nlattr) + size), type};
    append(&attribute, sizeof(attribute));
    append(data, size);
    return *this;
  }
  template <class T>
  HandBuiltMessage& attribute(std::uint16_t type, const T& value) {
    return attribute(type, &value, sizeof(T));
  }
  /// Overrides nlmsg_len (for truncation tests).
  HandBuiltMessage& claim_length(std::uint32_t length) {
    std::memcpy(bytes_.data(), &length, sizeof(length));
    return *this;
  }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  const nlmsghdr& header() const { return *reinterpret_cast<const nlmsghdr*>(bytes_.data()); }

 private:
  void append(const void* data, std::size_t size) {
    const auto* begin = static_cast<const std::uint8_t*>(data);
    bytes_.insert(bytes_.end(), begin, begin + size);
    bytes_.resize((bytes_.size() + 3) & ~std::size_t{3}, 0);
    update_length();
  }
  void update_length() {
    auto length = static_cast<std::uint32_t>(bytes_.size());
    std::memcpy(bytes_.data(), &length, sizeof(length));
  }
  std::vector<std::uint8_t> bytes_;
};

/// Several messages in one datagram.
inline std::vector<std::uint8_t> datagram_of(std::initializer_list<const HandBuiltMessage*> parts) {
  std::vector<std::uint8_t> out;
  for (const auto* part : parts)
    out.insert(out.end(), part->bytes().begin(), part->bytes().end());
  return out;
}

}  // namespace ikev2d::xfrm::test
