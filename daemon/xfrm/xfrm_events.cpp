#include "xfrm/xfrm_events.hpp"

#include <arpa/inet.h>

#include <libmnl/libmnl.h>

#include <string_view>

#include "xfrm/netlink_message.hpp"
#include "xfrm/xfrm_address.hpp"
#include "xfrm/xfrm_selector.hpp"

namespace ikev2d::xfrm {

namespace {

ike::Error malformed(std::string_view what, const std::string& reason) {
  return ike::make_error(ike::Errc::invalid_syntax, std::string(what) + ": " + reason);
}

ike::Error too_short(std::string_view what, std::size_t have, std::size_t need) {
  return malformed(what, std::to_string(have) + " bytes after the netlink header, " +
                             std::to_string(need) + " needed");
}

ike::Result<ike::sa::SaKey> sa_key(std::string_view what, const xfrm_address_t& destination,
                                   std::uint16_t family, std::uint32_t spi, std::uint8_t protocol) {
  auto address = from_xfrm_address(destination, family);
  if (!address) return malformed(what, address.error().reason);
  auto ipsec = protocol_from_kernel(protocol);
  if (!ipsec) return malformed(what, ipsec.error().reason);
  return ike::sa::SaKey{*address, ntohl(spi), *ipsec, {}};
}

ike::Result<KernelEvent> parse_acquire(const nlmsghdr& message) {
  constexpr std::string_view what = "XFRM_MSG_ACQUIRE";
  auto acquire = read_struct<xfrm_user_acquire>(message_payload(message));
  if (!acquire) {
    return too_short(what, message_payload(message).size(), sizeof(xfrm_user_acquire));
  }
  auto attributes = parse_xfrm_attributes(message, sizeof(xfrm_user_acquire), what);
  if (!attributes) return std::move(attributes).error();
  auto tmpl = attribute_struct<xfrm_user_tmpl>(*attributes, XFRMA_TMPL, what);
  if (!tmpl) return std::move(tmpl).error();
  if (!*tmpl) return malformed(what, "no XFRMA_TMPL, so no reqid");
  auto selectors = from_xfrm_selector(acquire->sel);
  if (!selectors) return malformed(what, selectors.error().reason);
  return KernelEvent{
      ike::sa::KernelAcquire{(*tmpl)->reqid, selectors->source, selectors->destination}};
}

ike::Result<KernelEvent> parse_expire(const nlmsghdr& message) {
  constexpr std::string_view what = "XFRM_MSG_EXPIRE";
  auto expire = read_struct<xfrm_user_expire>(message_payload(message));
  if (!expire) return too_short(what, message_payload(message).size(), sizeof(xfrm_user_expire));
  auto attributes = parse_xfrm_attributes(message, sizeof(xfrm_user_expire), what);
  if (!attributes) return std::move(attributes).error();
  const auto& state = expire->state;
  auto key = sa_key(what, state.id.daddr, state.family, state.id.spi, state.id.proto);
  if (!key) return std::move(key).error();
  auto mark = attribute_struct<xfrm_mark>(*attributes, XFRMA_MARK, what);
  if (!mark) return std::move(mark).error();
  if (*mark) key->mark = ike::sa::Mark{(*mark)->v, (*mark)->m};
  return KernelEvent{ike::sa::KernelExpire{*key, expire->hard != 0}};
}

ike::Result<KernelEvent> parse_mapping(const nlmsghdr& message) {
  constexpr std::string_view what = "XFRM_MSG_MAPPING";
  auto mapping = read_struct<xfrm_user_mapping>(message_payload(message));
  if (!mapping) {
    return too_short(what, message_payload(message).size(), sizeof(xfrm_user_mapping));
  }
  auto key =
      sa_key(what, mapping->id.daddr, mapping->id.family, mapping->id.spi, mapping->id.proto);
  if (!key) return std::move(key).error();
  auto address = from_xfrm_address(mapping->new_saddr, mapping->id.family);
  if (!address) return malformed(what, address.error().reason);
  return KernelEvent{ike::sa::KernelMapping{*key, *address, ntohs(mapping->new_sport)}};
}

}  // namespace

ParsedEvents parse_xfrm_events(std::span<const std::uint8_t> datagram) {
  ParsedEvents parsed;
  // Netlink structs need 4-byte alignment (and the XFRM ones are copied out
  // with memcpy); the caller's bytes may sit anywhere, so work on a copy.
  std::vector<std::uint32_t> aligned((datagram.size() + 3) / 4);
  if (!datagram.empty()) std::memcpy(aligned.data(), datagram.data(), datagram.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(aligned.data());
  std::size_t offset = 0;
  while (offset < datagram.size()) {
    const auto* header = reinterpret_cast<const nlmsghdr*>(bytes + offset);
    std::size_t remaining = datagram.size() - offset;
    if (remaining < sizeof(nlmsghdr) || !netlink_message_fits(*header, remaining)) {
      parsed.problems.push_back("netlink message at offset " + std::to_string(offset) +
                                " is truncated or has a bad length (" + std::to_string(remaining) +
                                " bytes left)");
      break;
    }
    ike::Result<KernelEvent> event = ike::make_error(ike::Errc::invalid_syntax, "");
    bool known = true;
    switch (header->nlmsg_type) {
      case XFRM_MSG_ACQUIRE:
        event = parse_acquire(*header);
        break;
      case XFRM_MSG_EXPIRE:
        event = parse_expire(*header);
        break;
      case XFRM_MSG_MAPPING:
        event = parse_mapping(*header);
        break;
      default:
        known = false;
    }
    if (known) {
      if (event) {
        parsed.events.push_back(std::move(*event));
      } else {
        parsed.problems.push_back(event.error().reason);
      }
    }
    offset = next_message_offset(offset, header->nlmsg_len);
  }
  return parsed;
}

}  // namespace ikev2d::xfrm
