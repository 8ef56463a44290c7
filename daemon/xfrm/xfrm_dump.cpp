#include "xfrm/xfrm_dump.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "xfrm/xfrm_selector.hpp"

namespace ikev2d::xfrm {

namespace {

std::string address_text(const xfrm_address_t& address, std::uint16_t family) {
  auto parsed = from_xfrm_address(address, family);
  return parsed ? parsed->to_string() : "?";
}

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", value);
  return text;
}

std::string direction_text(std::uint8_t direction) {
  switch (direction) {
    case XFRM_POLICY_IN:
      return "in";
    case XFRM_POLICY_OUT:
      return "out";
    case XFRM_POLICY_FWD:
      return "fwd";
    default:
      return "socket-" + std::to_string(direction);
  }
}

std::string selector_text(const xfrm_selector& selector) {
  auto pair = from_xfrm_selector(selector);
  if (!pair) return "?";
  return pair->source.to_string() + " -> " + pair->destination.to_string();
}

template <class T>
ike::Status take_optional(const XfrmAttributes& attributes, std::uint16_t type,
                          std::string_view what, std::optional<T>& out) {
  auto value = attribute_struct<T>(attributes, type, what);
  if (!value) return std::move(value).error();
  out = *value;
  return {};
}

}  // namespace

NetlinkMessage build_sa_dump() {
  NetlinkMessage message(XFRM_MSG_GETSA, NLM_F_DUMP);
  message.put_struct<xfrm_usersa_id>();
  return message;
}

NetlinkMessage build_policy_dump() {
  NetlinkMessage message(XFRM_MSG_GETPOLICY, NLM_F_DUMP);
  message.put_struct<xfrm_userpolicy_id>();
  return message;
}

ike::Result<DumpedSa> parse_dumped_sa(const nlmsghdr& message) {
  constexpr std::string_view what = "dumped SA";
  auto info = read_struct<xfrm_usersa_info>(message_payload(message));
  auto attributes = parse_xfrm_attributes(message, sizeof(xfrm_usersa_info), what);
  if (!attributes) return std::move(attributes).error();
  DumpedSa sa;
  sa.reqid = info->reqid;
  sa.id.daddr = info->id.daddr;
  sa.id.spi = info->id.spi;
  sa.id.family = info->family;
  sa.id.proto = info->id.proto;
  if (auto mark = take_optional(*attributes, XFRMA_MARK, what, sa.mark); !mark) {
    return std::move(mark).error();
  }
  sa.description = "IP protocol " + std::to_string(info->id.proto) + " SPI " +
                   hex32(ntohl(info->id.spi)) + " " + address_text(info->saddr, info->family) +
                   " -> " + address_text(info->id.daddr, info->family) + " reqid " +
                   std::to_string(info->reqid);
  return sa;
}

NetlinkMessage build_delete_dumped_sa(const DumpedSa& sa) {
  NetlinkMessage message(XFRM_MSG_DELSA, 0);
  message.put_struct<xfrm_usersa_id>() = sa.id;
  // The buffer holds 8 KiB; these two small attributes always fit.
  if (sa.mark) (void)message.put_attribute(XFRMA_MARK, *sa.mark);
  return message;
}

ike::Result<DumpedPolicy> parse_dumped_policy(const nlmsghdr& message) {
  constexpr std::string_view what = "dumped policy";
  auto info = read_struct<xfrm_userpolicy_info>(message_payload(message));
  auto attributes = parse_xfrm_attributes(message, sizeof(xfrm_userpolicy_info), what);
  if (!attributes) return std::move(attributes).error();
  DumpedPolicy policy;
  policy.id.sel = info->sel;
  policy.id.index = info->index;
  policy.id.dir = info->dir;
  if (const nlattr* templates = attributes->get(XFRMA_TMPL)) {
    auto payload = attribute_payload(*templates);
    if (payload.size() % sizeof(xfrm_user_tmpl) != 0) {
      return ike::make_error(
          ike::Errc::invalid_syntax,
          short_attribute_error(XFRMA_TMPL, what, payload.size(), sizeof(xfrm_user_tmpl)) +
              " per template");
    }
    for (std::size_t at = 0; at < payload.size(); at += sizeof(xfrm_user_tmpl)) {
      auto tmpl = read_struct<xfrm_user_tmpl>(payload.subspan(at));
      policy.template_reqids.push_back(tmpl->reqid);
    }
  }
  if (auto mark = take_optional(*attributes, XFRMA_MARK, what, policy.mark); !mark) {
    return std::move(mark).error();
  }
  if (auto id = take_optional(*attributes, XFRMA_IF_ID, what, policy.interface_id); !id) {
    return std::move(id).error();
  }
  if (auto type = take_optional(*attributes, XFRMA_POLICY_TYPE, what, policy.type); !type) {
    return std::move(type).error();
  }
  policy.description = direction_text(info->dir) + " " + selector_text(info->sel) + " index " +
                       std::to_string(info->index);
  return policy;
}

ike::Result<NetlinkMessage> build_delete_dumped_policy(const DumpedPolicy& policy) {
  if (!policy.is_global()) {
    return ike::make_error(
        ike::Errc::invalid_argument,
        "policy " + policy.description + " belongs to a socket and cannot be deleted by index");
  }
  NetlinkMessage message(XFRM_MSG_DELPOLICY, 0);
  auto& id = message.put_struct<xfrm_userpolicy_id>();
  id.index = policy.id.index;
  id.dir = policy.id.dir;
  // Three small attributes always fit into the 8 KiB buffer.
  if (policy.mark) (void)message.put_attribute(XFRMA_MARK, *policy.mark);
  if (policy.interface_id) (void)message.put_attribute(XFRMA_IF_ID, *policy.interface_id);
  if (policy.type) (void)message.put_attribute(XFRMA_POLICY_TYPE, *policy.type);
  return message;
}

}  // namespace ikev2d::xfrm
