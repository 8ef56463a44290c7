#pragma once
/// One netlink request under construction (header, the fixed XFRM struct,
/// attributes) and the bounds-checked reads every parser here uses.
///
/// Building goes through libmnl (mnl_nlmsg_put_header, mnl_attr_put_check), so
/// no attribute can overrun the buffer. Reading never casts a pointer into a
/// received buffer to a struct with 64-bit members: netlink aligns messages
/// and attributes to 4 bytes only, so structs are copied out (read_struct).

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ike/error.hpp"

struct nlattr;

namespace ikev2d::xfrm {

class NetlinkMessage {
 public:
  /// Room for every request this driver builds: the largest (an SA with an
  /// AEAD key, an ESN bitmap of 4096 bits, encapsulation and mark) needs
  /// about 1.3 KiB.
  static constexpr std::size_t capacity = 8192;

  /// A message of `type` with NLM_F_REQUEST | `flags`; sequence number and
  /// port are filled in by the socket that sends it.
  NetlinkMessage(std::uint16_t type, std::uint16_t flags);
  /// Wipes the buffer: SA requests carry keys.
  ~NetlinkMessage();
  NetlinkMessage(NetlinkMessage&& other) noexcept;
  NetlinkMessage& operator=(NetlinkMessage&& other) noexcept;
  NetlinkMessage(const NetlinkMessage&) = delete;
  NetlinkMessage& operator=(const NetlinkMessage&) = delete;

  /// Appends the zeroed fixed header of the XFRM message and returns it. Call
  /// once, before any attribute.
  template <class T>
  T& put_struct() {
    return *static_cast<T*>(put_extra_header(sizeof(T)));
  }

  /// Appends attribute `type` with `size` bytes of `data`. Fails (naming the
  /// attribute) instead of overrunning the buffer.
  ike::Status put_attribute(std::uint16_t type, const void* data, std::size_t size);
  template <class T>
  ike::Status put_attribute(std::uint16_t type, const T& value) {
    return put_attribute(type, &value, sizeof(T));
  }

  nlmsghdr* header() noexcept;
  const nlmsghdr* header() const noexcept;
  std::uint16_t type() const noexcept;
  /// The bytes to send (nlmsg_len of them).
  std::span<const std::uint8_t> bytes() const noexcept;

 private:
  void* put_extra_header(std::size_t size);
  void wipe() noexcept;

  std::vector<std::uint8_t> buffer_;
};

/// A copy of the T at the start of `data`, or nullopt when fewer than
/// sizeof(T) bytes are there.
template <class T>
std::optional<T> read_struct(std::span<const std::uint8_t> data) {
  if (data.size() < sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, data.data(), sizeof(T));
  return value;
}

/// Whether a whole netlink message starts at `header` with `remaining`
/// bytes left: room for the header, and nlmsg_len between the header size
/// and `remaining`. (mnl_nlmsg_ok compares nlmsg_len as a signed int, so a
/// length above 2 GiB would pass it.)
bool netlink_message_fits(const nlmsghdr& header, std::size_t remaining) noexcept;

/// The offset of the message after one of `length` bytes (4-byte aligned).
inline std::size_t next_message_offset(std::size_t offset, std::uint32_t length) noexcept {
  return offset + ((static_cast<std::size_t>(length) + 3) & ~std::size_t{3});
}

/// The payload of `message` (after the 16-byte header), bounded by nlmsg_len.
/// The caller has checked the header with mnl_nlmsg_ok.
std::span<const std::uint8_t> message_payload(const nlmsghdr& message) noexcept;

/// The bytes of attribute `attribute` (after its 4-byte header).
std::span<const std::uint8_t> attribute_payload(const nlattr& attribute) noexcept;

/// The top-level attributes of an XFRM message after its fixed struct of
/// `fixed_size` bytes, indexed by type (0..XFRMA_MAX; unknown types are
/// skipped). Each one passed mnl_attr_validate's length check against its
/// header. Fails when the message is shorter than the struct or an
/// attribute's length overruns the message.
struct XfrmAttributes {
  std::vector<const nlattr*> by_type;
  const nlattr* get(std::uint16_t type) const noexcept {
    return type < by_type.size() ? by_type[type] : nullptr;
  }
};
ike::Result<XfrmAttributes> parse_xfrm_attributes(const nlmsghdr& message, std::size_t fixed_size,
                                                  std::string_view what);

/// The struct T held by attribute `type`, if present. Fails when the
/// attribute is shorter than T ("XFRMA_MARK of XFRM_MSG_EXPIRE: 4 bytes,
/// 8 needed").
template <class T>
ike::Result<std::optional<T>> attribute_struct(const XfrmAttributes& attributes, std::uint16_t type,
                                               std::string_view what);

/// "XFRMA_ALG_AEAD" or "attribute 42".
std::string xfrm_attribute_name(std::uint16_t type);

std::string short_attribute_error(std::uint16_t type, std::string_view what, std::size_t have,
                                  std::size_t need);

template <class T>
ike::Result<std::optional<T>> attribute_struct(const XfrmAttributes& attributes, std::uint16_t type,
                                               std::string_view what) {
  const nlattr* attribute = attributes.get(type);
  if (attribute == nullptr) return std::optional<T>{};
  auto payload = attribute_payload(*attribute);
  auto value = read_struct<T>(payload);
  if (!value) {
    return ike::make_error(ike::Errc::invalid_syntax,
                           short_attribute_error(type, what, payload.size(), sizeof(T)));
  }
  return std::optional<T>{*value};
}

}  // namespace ikev2d::xfrm
