#include "xfrm/xfrm_sa_update.hpp"

#include <array>
#include <cstring>
#include <string>

#include "xfrm/xfrm_address.hpp"
#include "xfrm/xfrm_sa_messages.hpp"

namespace ikev2d::xfrm {

namespace {

/// Attributes copied as they are from the old SA to the new one.
constexpr std::array<std::uint16_t, 11> carried_attributes = {
    XFRMA_ALG_AEAD,       XFRMA_ALG_CRYPT,     XFRMA_ALG_COMP,       XFRMA_MARK,
    XFRMA_REPLAY_ESN_VAL, XFRMA_REPLAY_VAL,    XFRMA_SA_EXTRA_FLAGS, XFRMA_TFCPAD,
    XFRMA_SET_MARK,       XFRMA_SET_MARK_MASK, XFRMA_IF_ID,
};

/// What is left of `limit` after `used`; at least 1 so that a spent limit
/// expires at once instead of becoming "none" (0 for seconds).
std::uint64_t remaining(std::uint64_t limit, std::uint64_t used) {
  return used >= limit ? 1 : limit - used;
}

void shorten_lifetimes(xfrm_usersa_info& info, std::uint64_t now_seconds) {
  auto& lft = info.lft;
  const auto& cur = info.curlft;
  std::uint64_t age = now_seconds > cur.add_time ? now_seconds - cur.add_time : 0;
  if (lft.soft_add_expires_seconds != 0) {
    lft.soft_add_expires_seconds = remaining(lft.soft_add_expires_seconds, age);
  }
  if (lft.hard_add_expires_seconds != 0) {
    lft.hard_add_expires_seconds = remaining(lft.hard_add_expires_seconds, age);
  }
  for (auto* limit : {&lft.soft_byte_limit, &lft.hard_byte_limit}) {
    if (*limit != XFRM_INF) *limit = remaining(*limit, cur.bytes);
  }
  for (auto* limit : {&lft.soft_packet_limit, &lft.hard_packet_limit}) {
    if (*limit != XFRM_INF) *limit = remaining(*limit, cur.packets);
  }
}

ike::Status copy_attribute(NetlinkMessage& message, const XfrmAttributes& attributes,
                           std::uint16_t type) {
  const nlattr* attribute = attributes.get(type);
  if (attribute == nullptr) return {};
  auto payload = attribute_payload(*attribute);
  return message.put_attribute(type, payload.data(), payload.size());
}

}  // namespace

ike::Result<NetlinkMessage> build_moved_sa(const nlmsghdr& current,
                                           const ike::sa::UpdateSaAddressesRequest& request,
                                           std::uint64_t now_seconds) {
  constexpr std::string_view what = "XFRM_MSG_NEWSA of the SA to move";
  auto attributes = parse_xfrm_attributes(current, sizeof(xfrm_usersa_info), what);
  if (!attributes) return std::move(attributes).error();
  auto info = *read_struct<xfrm_usersa_info>(message_payload(current));
  if (request.new_source.family() != request.new_destination.family()) {
    return ike::make_error(ike::Errc::invalid_argument,
                           "new SA endpoints " + request.new_source.to_string() + " and " +
                               request.new_destination.to_string() +
                               " are of different address families");
  }
  info.id.daddr = to_xfrm_address(request.new_destination);
  info.saddr = to_xfrm_address(request.new_source);
  info.family = kernel_family(request.new_source);
  if (info.mode == XFRM_MODE_TRANSPORT) {
    // Our transport SAs select exactly their endpoints (xfrm_sa_messages.hpp).
    info.sel.family = info.family;
    info.sel.saddr = info.saddr;
    info.sel.daddr = info.id.daddr;
    info.sel.prefixlen_s = info.sel.prefixlen_d =
        static_cast<std::uint8_t>(ike::address_bits(request.new_source.family()));
  }
  shorten_lifetimes(info, now_seconds);
  std::memset(&info.curlft, 0, sizeof(info.curlft));
  std::memset(&info.stats, 0, sizeof(info.stats));

  NetlinkMessage message(XFRM_MSG_NEWSA, 0);
  message.put_struct<xfrm_usersa_info>() = info;
  for (auto type : carried_attributes) {
    if (auto copied = copy_attribute(message, *attributes, type); !copied) {
      return std::move(copied).error();
    }
  }
  // The kernel reports both forms of the integrity algorithm; the truncated
  // one carries the ICV length, so prefer it.
  auto integrity = attributes->get(XFRMA_ALG_AUTH_TRUNC) ? XFRMA_ALG_AUTH_TRUNC : XFRMA_ALG_AUTH;
  if (auto copied = copy_attribute(message, *attributes, integrity); !copied) {
    return std::move(copied).error();
  }
  if (request.encapsulation) {
    auto encap = encapsulation_template(*request.encapsulation);
    if (auto put = message.put_attribute(XFRMA_ENCAP, encap); !put) return std::move(put).error();
  }
  return message;
}

}  // namespace ikev2d::xfrm
