#pragma once
/// XFRM requests about SAs (pure: bytes in, bytes out; no socket):
/// ALLOCSPI, NEWSA/UPDSA, DELSA, GETSA and the SA dump, and the reading of
/// the XFRM_MSG_NEWSA the kernel answers them with.
///
/// The SA's own selector (xfrm_usersa_info.sel) is not taken from the
/// request's traffic selectors:
///   - tunnel mode: an empty selector with XFRM_STATE_AF_UNSPEC, as strongSwan
///     does, so one SA carries IPv4 and IPv6 inner traffic, and so a CHILD SA
///     with several selector pairs keeps working (the request carries only the
///     first pair, and the kernel drops inbound packets outside the SA's
///     selector, XfrmInStateMismatch);
///   - transport mode: the two endpoints as hosts (the only addresses a
///     transport SA carries, NAT-T included, where the negotiated selectors
///     may name the peer's private address).
/// The exact selectors are enforced by the policies (xfrm_policy_messages).

#include <cstdint>
#include <optional>

#include "ike/error.hpp"
#include "ike/sa/kernel.hpp"
#include "xfrm/netlink_message.hpp"
#include "xfrm/xfrm_address.hpp"

namespace ikev2d::xfrm {

/// The SPIs ALLOCSPI chooses from: above the 0..255 range RFC 4303 2.1
/// reserves, and recognisably ours in `ip xfrm state` output.
inline constexpr std::uint32_t allocated_spi_min = 0xc0000000;
inline constexpr std::uint32_t allocated_spi_max = 0xcfffffff;

/// XFRMA_ENCAP's struct: UDP_ENCAP_ESPINUDP (RFC 3948) with the ports.
xfrm_encap_tmpl encapsulation_template(const ike::sa::UdpEncapsulation& encapsulation);

/// XFRM_MSG_ALLOCSPI: a larval inbound SA with a kernel-chosen SPI, carrying
/// the request's reqid (so remove_owned finds it) and mark (so the UPDSA that
/// completes it finds it).
ike::Result<NetlinkMessage> build_allocate_spi(const ike::sa::AllocateSpiRequest& request);

/// XFRM_MSG_UPDSA (request.update_allocated) or XFRM_MSG_NEWSA with the
/// algorithms (XFRMA_ALG_AEAD, or XFRMA_ALG_CRYPT + XFRMA_ALG_AUTH_TRUNC),
/// XFRMA_ENCAP, XFRMA_REPLAY_ESN_VAL (ESN or a window above 32), XFRMA_MARK
/// and lifetimes (0 = unlimited). Fails (invalid_argument /
/// unsupported_algorithm) on anything the kernel would refuse less clearly.
ike::Result<NetlinkMessage> build_add_sa(const ike::sa::AddSaRequest& request);

/// XFRM_MSG_DELSA of the SA `key` (found by destination, SPI, protocol and
/// mark).
ike::Result<NetlinkMessage> build_delete_sa(const ike::sa::SaKey& key);

/// XFRM_MSG_GETSA of the SA `key`; the kernel answers with XFRM_MSG_NEWSA.
ike::Result<NetlinkMessage> build_get_sa(const ike::sa::SaKey& key);

/// An SA as the kernel describes it (XFRM_MSG_NEWSA).
struct SaDescription {
  ike::sa::SaKey key;
  ike::IpAddress source;
  std::uint32_t reqid = 0;
  std::uint8_t mode = 0;
  ike::sa::SaUsage usage;
  /// Wall-clock seconds when the SA was added (xfrm_lifetime_cur.add_time).
  std::uint64_t added_at = 0;
  std::optional<ike::sa::UdpEncapsulation> encapsulation;
};

/// Reads an XFRM_MSG_NEWSA (the caller has checked the netlink header).
/// Errors name the missing or short part.
ike::Result<SaDescription> parse_sa(const nlmsghdr& message);

}  // namespace ikev2d::xfrm
