#pragma once
/// The kernel's unasked messages (XFRMNLGRP_ACQUIRE, _EXPIRE, _MAPPING) as
/// libike's KernelAcquire / KernelExpire / KernelMapping. A pure function of
/// the received bytes, so the fuzzer can feed it anything: every length is
/// checked (netlink header, fixed struct, each attribute) before use, and a
/// damaged message is reported and skipped without affecting the others in
/// the same datagram.

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "ike/sa/kernel.hpp"

namespace ikev2d::xfrm {

using KernelEvent =
    std::variant<ike::sa::KernelAcquire, ike::sa::KernelExpire, ike::sa::KernelMapping>;

struct ParsedEvents {
  std::vector<KernelEvent> events;
  /// One line per message that could not be read ("XFRM_MSG_ACQUIRE: no
  /// XFRMA_TMPL, so no reqid"), for the log.
  std::vector<std::string> problems;
};

/// Parses one datagram of the event socket (one or more netlink messages).
///   XFRM_MSG_ACQUIRE -> KernelAcquire: the reqid of the first template
///     (XFRMA_TMPL) and the selectors of the packet that triggered it (RFC 7296
///     2.9: the first traffic selector pair to propose);
///   XFRM_MSG_EXPIRE -> KernelExpire: destination, SPI, protocol, mark
///     (XFRMA_MARK) and whether it is the hard expiry;
///   XFRM_MSG_MAPPING -> KernelMapping: the SA (destination, SPI, protocol;
///     the kernel sends no mark) and the peer's new address and port.
/// Other message types (XFRM_MSG_POLEXPIRE, NLMSG_NOOP, ...) are ignored.
ParsedEvents parse_xfrm_events(std::span<const std::uint8_t> datagram);

}  // namespace ikev2d::xfrm
