#pragma once
/// What the engine needs to know about a connection, resolved from the
/// operator's ipsec.conf by the daemon: local and remote are decided (no
/// left/right any more), proposals and selectors are parsed. Shared, never
/// modified after creation, so a reload swaps whole objects.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ike/crypto/pki/auth_signature.hpp"
#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/sa/lifetime.hpp"
#include "ike/sa/retransmission.hpp"
#include "ike/sa/time.hpp"
#include "ike/ts/ip_address.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "ike/ts/traffic_selector.hpp"

namespace ike::sa {

enum class AuthClass : std::uint8_t { psk, pubkey };
std::string_view to_string(AuthClass auth) noexcept;

/// dpdaction / closeaction: what happens to the CHILD SAs when the peer is
/// found dead or closes them.
enum class PeerGoneAction : std::uint8_t { clear, hold, restart };
std::string_view to_string(PeerGoneAction action) noexcept;

enum class SendCert : std::uint8_t { always, ifasked, never };

struct ChildConfig {
  std::string name;
  IpsecMode mode = IpsecMode::tunnel;
  /// leftsubnet / rightsubnet. Dynamic templates (and an empty list, which
  /// means strongSwan's default %dynamic) become the IKE SA's own addresses.
  std::vector<ts::SelectorTemplate> local_ts;
  std::vector<ts::SelectorTemplate> remote_ts;
  std::vector<proposal::CryptoProposal> esp_proposals;
  LifetimePolicy lifetime{hours(1), minutes(9), 100, true};
  std::uint32_t reqid = 0;  ///< 0: the engine assigns one
  Mark mark_in;
  Mark mark_out;
  std::uint32_t replay_window = 32;
  bool install_policy = true;
  PeerGoneAction dpd_action = PeerGoneAction::clear;
  PeerGoneAction close_action = PeerGoneAction::clear;
};

struct Connection {
  std::string name;
  IpAddress local_address;   ///< all-zero: any local address
  IpAddress remote_address;  ///< all-zero: %any (responder only)
  std::uint16_t local_port = 500;
  std::uint16_t remote_port = 500;
  pki::Identity local_id;
  pki::Identity remote_id = pki::Identity::any();
  AuthClass local_auth = AuthClass::psk;
  AuthClass remote_auth = AuthClass::psk;
  /// Our certificate chain (end entity first) for pubkey authentication.
  std::vector<pki::CertificatePtr> local_certificates;
  SendCert send_certificate = SendCert::ifasked;
  /// How we sign our AUTH with an RSA or ECDSA key (leftauth=rsa/pss-sha256,
  /// rsa-sha256, ...); the defaults follow the peer's announced hashes.
  pki::SignatureChoiceOptions signature;
  std::vector<proposal::CryptoProposal> ike_proposals;
  LifetimePolicy ike_lifetime{hours(3), minutes(9), 100, true};
  RetransmitPolicy retransmit;
  /// 0 disables liveness checks.
  Duration dpd_delay = seconds(30);
  /// dpdtimeout: a liveness check is given up (the peer is dead) this long
  /// after it was first sent, its retransmissions spread over that time with
  /// the usual back-off. Zero: `retransmit` alone decides (165 s by default).
  Duration dpd_timeout = Duration::zero();
  PeerGoneAction dpd_action = PeerGoneAction::clear;
  /// Tries of the whole negotiation before giving up (0 = forever).
  std::uint32_t keying_tries = 3;
  /// Send INITIAL_CONTACT (RFC 7296 2.4) on our first IKE SA with a peer.
  /// Off only where several engines initiate as one identity (ikev2d-load
  /// --threads), so that each engine's first IKE SA does not make the peer
  /// drop the others'.
  bool initial_contact = true;
  /// Announce and accept IKE fragmentation (RFC 7383).
  bool fragmentation = true;
  /// Also split our own large messages once the peer announced support
  /// (fragmentation=yes); fragmentation=accept sends them whole.
  bool send_fragments = true;
  /// Largest IKE datagram we send before fragmenting (IP + UDP included).
  std::size_t fragment_size = 1280;
  bool force_encapsulation = false;
  std::vector<ChildConfig> children;

  const ChildConfig* child(std::string_view child_name) const noexcept;
};

using ConnectionPtr = std::shared_ptr<const Connection>;

}  // namespace ike::sa
