#include "xfrm/netlink_message.hpp"

#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>

#include <array>
#include <string_view>
#include <utility>

#include "ike/bytes.hpp"

namespace ikev2d::xfrm {

NetlinkMessage::NetlinkMessage(std::uint16_t type, std::uint16_t flags) : buffer_(capacity) {
  nlmsghdr* header = mnl_nlmsg_put_header(buffer_.data());
  header->nlmsg_type = type;
  header->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
}

NetlinkMessage::~NetlinkMessage() {
  wipe();
}

NetlinkMessage::NetlinkMessage(NetlinkMessage&& other) noexcept
    : buffer_(std::exchange(other.buffer_, {})) {}

NetlinkMessage& NetlinkMessage::operator=(NetlinkMessage&& other) noexcept {
  if (this != &other) {
    wipe();
    buffer_ = std::exchange(other.buffer_, {});
  }
  return *this;
}

void NetlinkMessage::wipe() noexcept {
  ike::secure_wipe(buffer_);
}

void* NetlinkMessage::put_extra_header(std::size_t size) {
  return mnl_nlmsg_put_extra_header(header(), size);
}

ike::Status NetlinkMessage::put_attribute(std::uint16_t type, const void* data, std::size_t size) {
  if (size > 0xffff - MNL_ATTR_HDRLEN ||
      !mnl_attr_put_check(header(), buffer_.size(), type, size, data)) {
    return ike::make_error(ike::Errc::invalid_argument,
                           xfrm_attribute_name(type) + " of " + std::to_string(size) +
                               " bytes does not fit into a netlink message");
  }
  return {};
}

nlmsghdr* NetlinkMessage::header() noexcept {
  return reinterpret_cast<nlmsghdr*>(buffer_.data());
}

const nlmsghdr* NetlinkMessage::header() const noexcept {
  return reinterpret_cast<const nlmsghdr*>(buffer_.data());
}

std::uint16_t NetlinkMessage::type() const noexcept {
  return header()->nlmsg_type;
}

std::span<const std::uint8_t> NetlinkMessage::bytes() const noexcept {
  return {buffer_.data(), header()->nlmsg_len};
}

bool netlink_message_fits(const nlmsghdr& header, std::size_t remaining) noexcept {
  // The caller guarantees the header's 16 bytes are readable only when
  // remaining >= 16, so check that first.
  return remaining >= sizeof(nlmsghdr) && header.nlmsg_len >= sizeof(nlmsghdr) &&
         header.nlmsg_len <= remaining;
}

std::span<const std::uint8_t> message_payload(const nlmsghdr& message) noexcept {
  std::size_t length =
      message.nlmsg_len > MNL_NLMSG_HDRLEN ? message.nlmsg_len - MNL_NLMSG_HDRLEN : 0;
  return {static_cast<const std::uint8_t*>(mnl_nlmsg_get_payload(&message)), length};
}

std::span<const std::uint8_t> attribute_payload(const nlattr& attribute) noexcept {
  return {static_cast<const std::uint8_t*>(mnl_attr_get_payload(&attribute)),
          mnl_attr_get_payload_len(&attribute)};
}

ike::Result<XfrmAttributes> parse_xfrm_attributes(const nlmsghdr& message, std::size_t fixed_size,
                                                  std::string_view what) {
  auto payload = message_payload(message);
  if (payload.size() < fixed_size) {
    return ike::make_error(ike::Errc::invalid_syntax,
                           std::string(what) + ": " + std::to_string(payload.size()) +
                               " bytes after the netlink header, the fixed part needs " +
                               std::to_string(fixed_size));
  }
  XfrmAttributes attributes;
  attributes.by_type.assign(XFRMA_MAX + 1, nullptr);
  std::size_t offset = MNL_ALIGN(fixed_size);
  while (offset < payload.size()) {
    const auto* attribute = reinterpret_cast<const nlattr*>(payload.data() + offset);
    int remaining = static_cast<int>(payload.size() - offset);
    if (!mnl_attr_ok(attribute, remaining)) {
      // Fewer than four bytes left is padding; more that does not parse is damage.
      if (remaining < static_cast<int>(sizeof(nlattr))) break;
      std::uint16_t length = 0;
      std::memcpy(&length, attribute, sizeof(length));
      return ike::make_error(ike::Errc::invalid_syntax,
                             std::string(what) + ": attribute at offset " + std::to_string(offset) +
                                 " has length " + std::to_string(length) + " but " +
                                 std::to_string(remaining) + " bytes are left");
    }
    // Unknown types (newer kernels) are skipped; known ones keep the first copy.
    if (mnl_attr_type_valid(attribute, XFRMA_MAX) > 0 &&
        mnl_attr_validate(attribute, MNL_TYPE_UNSPEC) == 0) {
      auto type = mnl_attr_get_type(attribute);
      if (attributes.by_type[type] == nullptr) attributes.by_type[type] = attribute;
    }
    offset += MNL_ALIGN(attribute->nla_len);
  }
  return attributes;
}

std::string xfrm_attribute_name(std::uint16_t type) {
  static constexpr std::array<std::string_view, XFRMA_MAX + 1> names = {
      "XFRMA_UNSPEC",
      "XFRMA_ALG_AUTH",
      "XFRMA_ALG_CRYPT",
      "XFRMA_ALG_COMP",
      "XFRMA_ENCAP",
      "XFRMA_TMPL",
      "XFRMA_SA",
      "XFRMA_POLICY",
      "XFRMA_SEC_CTX",
      "XFRMA_LTIME_VAL",
      "XFRMA_REPLAY_VAL",
      "XFRMA_REPLAY_THRESH",
      "XFRMA_ETIMER_THRESH",
      "XFRMA_SRCADDR",
      "XFRMA_COADDR",
      "XFRMA_LASTUSED",
      "XFRMA_POLICY_TYPE",
      "XFRMA_MIGRATE",
      "XFRMA_ALG_AEAD",
      "XFRMA_KMADDRESS",
      "XFRMA_ALG_AUTH_TRUNC",
      "XFRMA_MARK",
      "XFRMA_TFCPAD",
      "XFRMA_REPLAY_ESN_VAL",
      "XFRMA_SA_EXTRA_FLAGS",
      "XFRMA_PROTO",
      "XFRMA_ADDRESS_FILTER",
      "XFRMA_PAD",
      "XFRMA_OFFLOAD_DEV",
      "XFRMA_SET_MARK",
      "XFRMA_SET_MARK_MASK",
      "XFRMA_IF_ID",
      "XFRMA_MTIMER_THRESH",
  };
  if (type < names.size() && !names[type].empty()) return std::string(names[type]);
  return "attribute " + std::to_string(type);
}

std::string short_attribute_error(std::uint16_t type, std::string_view what, std::size_t have,
                                  std::size_t need) {
  return xfrm_attribute_name(type) + " of " + std::string(what) + ": " + std::to_string(have) +
         " bytes, " + std::to_string(need) + " needed";
}

}  // namespace ikev2d::xfrm
