#include "xfrm/xfrm_policy_messages.hpp"

#include <cstring>
#include <string>

#include "xfrm/xfrm_selector.hpp"

namespace ikev2d::xfrm {

namespace {

using ike::sa::PolicyRequest;

xfrm_user_tmpl policy_template(const PolicyRequest& request) {
  xfrm_user_tmpl tmpl;
  std::memset(&tmpl, 0, sizeof(tmpl));
  tmpl.id.proto = IPPROTO_ESP;
  tmpl.reqid = request.reqid;
  tmpl.mode = kernel_mode(request.mode);
  // Any algorithm: the SA, not the policy, decides them.
  tmpl.aalgos = tmpl.ealgos = tmpl.calgos = ~0u;
  if (request.mode == ike::sa::IpsecMode::tunnel) {
    tmpl.family = kernel_family(request.tunnel_source);
    tmpl.saddr = to_xfrm_address(request.tunnel_source);
    tmpl.id.daddr = to_xfrm_address(request.tunnel_destination);
  } else {
    // Transport mode: the kernel takes the addresses from the packet.
    tmpl.family = kernel_family(request.source.family());
  }
  return tmpl;
}

ike::Result<std::vector<xfrm_selector>> checked_selectors(const PolicyRequest& request) {
  if (request.reqid == 0) {
    return ike::make_error(ike::Errc::invalid_argument,
                           "policy " + request.source.to_string() +
                               " === " + request.destination.to_string() +
                               " has reqid 0: every policy we install needs a reqid, or "
                               "remove_owned could not find it again");
  }
  if (request.mode == ike::sa::IpsecMode::tunnel &&
      request.tunnel_source.family() != request.tunnel_destination.family()) {
    return ike::make_error(ike::Errc::invalid_argument,
                           "tunnel endpoints " + request.tunnel_source.to_string() + " and " +
                               request.tunnel_destination.to_string() +
                               " are of different address families");
  }
  return to_xfrm_selectors(request.source, request.destination);
}

ike::Status put_mark(NetlinkMessage& message, const ike::sa::Mark& mark) {
  if (mark.empty()) return {};
  return message.put_attribute(XFRMA_MARK, to_xfrm_mark(mark));
}

}  // namespace

std::uint8_t kernel_direction(ike::sa::PolicyDirection direction) noexcept {
  switch (direction) {
    case ike::sa::PolicyDirection::in:
      return XFRM_POLICY_IN;
    case ike::sa::PolicyDirection::out:
      return XFRM_POLICY_OUT;
    case ike::sa::PolicyDirection::fwd:
      return XFRM_POLICY_FWD;
  }
  return XFRM_POLICY_OUT;
}

ike::Result<std::vector<NetlinkMessage>> build_add_policies(const PolicyRequest& request) {
  auto selectors = checked_selectors(request);
  if (!selectors) return std::move(selectors).error();
  auto tmpl = policy_template(request);
  std::vector<NetlinkMessage> messages;
  messages.reserve(selectors->size());
  for (const auto& selector : *selectors) {
    NetlinkMessage message(XFRM_MSG_NEWPOLICY, 0);
    auto& info = message.put_struct<xfrm_userpolicy_info>();
    info.sel = selector;
    info.lft.soft_byte_limit = info.lft.hard_byte_limit = XFRM_INF;
    info.lft.soft_packet_limit = info.lft.hard_packet_limit = XFRM_INF;
    info.priority = request.priority;
    info.dir = kernel_direction(request.direction);
    info.action = XFRM_POLICY_ALLOW;
    if (auto put = message.put_attribute(XFRMA_TMPL, tmpl); !put) return std::move(put).error();
    if (auto put = put_mark(message, request.mark); !put) return std::move(put).error();
    messages.push_back(std::move(message));
  }
  return messages;
}

ike::Result<std::vector<NetlinkMessage>> build_delete_policies(const PolicyRequest& request) {
  auto selectors = checked_selectors(request);
  if (!selectors) return std::move(selectors).error();
  std::vector<NetlinkMessage> messages;
  messages.reserve(selectors->size());
  for (const auto& selector : *selectors) {
    NetlinkMessage message(XFRM_MSG_DELPOLICY, 0);
    auto& id = message.put_struct<xfrm_userpolicy_id>();
    id.sel = selector;
    id.dir = kernel_direction(request.direction);
    if (auto put = put_mark(message, request.mark); !put) return std::move(put).error();
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace ikev2d::xfrm
