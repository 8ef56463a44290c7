// From the engine's view of a CHILD SA to the updown ChildEvent, and the
// interface lookup for PLUTO_INTERFACE.

#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"
#include "updown/updown_environment.hpp"

namespace ikev2d::updown {
namespace {

/// Our ID as the engine sends it (authenticator.cpp our_id_payload): the
/// configured one, else the certificate subject, else the SA's address.
ike::pki::Identity our_identity(const ike::sa::IkeSa& sa) {
  const auto& configured = sa.connection->local_id;
  if (!configured.is_any() && !configured.data.empty()) return configured;
  if (!sa.connection->local_certificates.empty()) {
    return ike::pki::Identity::dn(sa.connection->local_certificates.front()->subject_der());
  }
  const auto& address = sa.local.address;
  return ike::pki::Identity{
      address.is_v4() ? ike::wire::IdType::ipv4_addr : ike::wire::IdType::ipv6_addr,
      address.to_bytes()};
}

std::optional<ike::IpAddress> address_of(const sockaddr* address) {
  if (address == nullptr) return std::nullopt;
  ike::Result<ike::IpAddress> parsed = ike::make_error(ike::Errc::invalid_argument, "family");
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    parsed = ike::IpAddress::from_bytes(
        ike::ByteView(reinterpret_cast<const std::uint8_t*>(&v4->sin_addr), 4));
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    parsed = ike::IpAddress::from_bytes(
        ike::ByteView(reinterpret_cast<const std::uint8_t*>(&v6->sin6_addr), 16));
  }
  if (!parsed) return std::nullopt;
  return *parsed;
}

struct IfaddrsDeleter {
  void operator()(ifaddrs* list) const noexcept { ::freeifaddrs(list); }
};

}  // namespace

ChildEvent describe_child(const ike::sa::IkeSa& sa, const ike::sa::ChildSa& child, bool up,
                          std::string interface, bool host_access) {
  ChildEvent event;
  event.up = up;
  event.connection = child.name();
  event.interface = std::move(interface);
  event.reqid = child.reqid;
  event.unique_id = sa.serial;
  event.me = sa.local.address;
  event.peer = sa.remote.address;
  event.my_id = our_identity(sa);
  event.peer_id = sa.peer_id ? *sa.peer_id : sa.connection->remote_id;
  event.local_ts = child.local_ts;
  event.remote_ts = child.remote_ts;
  if (child.config) {
    event.mark_in = child.config->mark_in;
    event.mark_out = child.config->mark_out;
  }
  event.udp_encapsulation = child.encapsulated;
  event.peer_port = sa.remote.port;
  event.host_access = host_access;
  return event;
}

std::string interface_of(const ike::IpAddress& address) {
  ifaddrs* raw = nullptr;
  if (::getifaddrs(&raw) != 0) return "";
  std::unique_ptr<ifaddrs, IfaddrsDeleter> list(raw);
  for (const ifaddrs* entry = list.get(); entry != nullptr; entry = entry->ifa_next) {
    auto own = address_of(entry->ifa_addr);
    if (own && *own == address && entry->ifa_name != nullptr) return entry->ifa_name;
  }
  return "";
}

}  // namespace ikev2d::updown
