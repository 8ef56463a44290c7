#include "setup/end_resolution.hpp"

#include "setup/messages.hpp"

namespace ikev2d::setup::detail {
namespace {

using ike::AddressFamily;
using ike::IpAddress;
using ike::config::ConnConfig;
using ike::config::EndConfig;
using ike::config::HostFamily;
using ike::config::HostKind;

/// One end's host spec with host names resolved.
struct EndAddresses {
  const EndConfig* end = nullptr;
  std::string side;
  /// The single addresses (resolved for a host name), in the order given.
  std::vector<IpAddress> addresses;
};

ike::Result<EndAddresses> addresses_of(const ConnConfig& conn, const EndConfig& end,
                                       const std::string& side, const HostAddresses& host) {
  EndAddresses out{&end, side, {}};
  if (end.host.kind == HostKind::addresses) out.addresses = end.host.addresses;
  if (end.host.kind == HostKind::hostname) {
    auto resolved = host.resolve(end.host.items.front());
    if (!resolved) {
      return conn_error(conn, side, side + "=" + end.host.text + ": " + resolved.error().reason,
                        ike::Errc::io_error);
    }
    out.addresses = std::move(*resolved);
  }
  return out;
}

bool names_this_host(const EndAddresses& end, const HostAddresses& host) {
  for (const auto& address : end.addresses) {
    if (host.is_local(address)) return true;
  }
  return false;
}

std::optional<AddressFamily> declared_family(const EndAddresses& end) {
  const auto& spec = end.end->host;
  if (spec.kind == HostKind::any || spec.kind == HostKind::addresses) {
    if (spec.family == HostFamily::ipv4) return AddressFamily::ipv4;
    if (spec.family == HostFamily::ipv6) return AddressFamily::ipv6;
  }
  if (!end.addresses.empty()) return end.addresses.front().family();
  return std::nullopt;
}

/// The first of `addresses` of `family` (any family when nullopt).
std::optional<IpAddress> first_of(const std::vector<IpAddress>& addresses,
                                  std::optional<AddressFamily> family) {
  for (const auto& address : addresses) {
    if (!family || address.family() == *family) return address;
  }
  if (!addresses.empty()) return addresses.front();
  return std::nullopt;
}

class EndResolver {
 public:
  EndResolver(const ConnConfig& conn, const HostAddresses& host) : conn_(conn), host_(host) {}

  ike::Result<ResolvedEnds> run() {
    auto left = addresses_of(conn_, conn_.left, "left", host_);
    if (!left) return std::move(left).error();
    auto right = addresses_of(conn_, conn_.right, "right", host_);
    if (!right) return std::move(right).error();
    bool swap = !left_is_local(*left) && right_is_local(*right);
    if (!swap && !left_is_local(*left)) {
      out_.warnings.push_back(conn_message(
          conn_, "left",
          "neither left=" + conn_.left.host.text + " nor right=" + conn_.right.host.text +
              " is an address of this host; taking left as local, as strongSwan does"));
    }
    const EndAddresses& local = swap ? *right : *left;
    const EndAddresses& remote = swap ? *left : *right;
    out_.local = local.end;
    out_.remote = remote.end;
    out_.local_side = local.side;
    out_.remote_side = remote.side;
    out_.swapped = swap;
    if (auto status = pick_addresses(local, remote); !status) return std::move(status).error();
    return std::move(out_);
  }

 private:
  bool left_is_local(const EndAddresses& left) const {
    auto kind = left.end->host.kind;
    return kind == HostKind::any || kind == HostKind::defaultroute || names_this_host(left, host_);
  }

  bool right_is_local(const EndAddresses& right) const {
    return right.end->host.kind == HostKind::defaultroute || names_this_host(right, host_);
  }

  ike::Status pick_addresses(const EndAddresses& local, const EndAddresses& remote) {
    auto remote_family = declared_family(remote);
    auto local_family = declared_family(local);
    auto remote_address = pick_remote(remote, local_family);
    if (remote_address) remote_family = remote_address->family();
    auto local_address = pick_local(local, remote_family);
    if (local_address && remote_address && local_address->family() != remote_address->family()) {
      return conn_error(conn_, local.side,
                        local.side + "=" + local.end->host.text + " (" +
                            local_address->to_string() + ") and " + remote.side + "=" +
                            remote.end->host.text + " (" + remote_address->to_string() +
                            ") are of different address families");
    }
    auto family = local_address ? local_address->family()
                  : remote_address
                      ? remote_address->family()
                      : local_family.value_or(remote_family.value_or(AddressFamily::ipv4));
    out_.local_address = local_address.value_or(IpAddress::zero(family));
    out_.remote_address = remote_address.value_or(IpAddress::zero(family));
    return {};
  }

  std::optional<IpAddress> pick_local(const EndAddresses& local,
                                      std::optional<AddressFamily> family) {
    const auto& spec = local.end->host;
    if (spec.kind == HostKind::any) return std::nullopt;
    if (spec.kind == HostKind::defaultroute) return default_route(local, family);
    for (const auto& address : local.addresses) {
      if ((!family || address.family() == *family) && host_.is_local(address)) return address;
    }
    for (const auto& address : local.addresses) {
      if (host_.is_local(address)) return address;
    }
    if (local.addresses.empty()) {
      warn(local.side, local.side + "=" + spec.text +
                           " names no single address; IKE is accepted on any local address");
      return std::nullopt;
    }
    return first_of(local.addresses, family);
  }

  std::optional<IpAddress> default_route(const EndAddresses& local,
                                         std::optional<AddressFamily> family) {
    int version = family == AddressFamily::ipv6 ? 6 : 4;
    if (auto address = host_.default_route_source(version)) return address;
    if (!family) {
      if (auto address = host_.default_route_source(6)) return address;
    }
    warn(local.side, local.side + "=%defaultroute: this host has no default route" +
                         std::string(family ? " for " + std::string(ike::to_string(*family)) : "") +
                         "; IKE is accepted on any local address");
    return std::nullopt;
  }

  std::optional<IpAddress> pick_remote(const EndAddresses& remote,
                                       std::optional<AddressFamily> family) {
    const auto& spec = remote.end->host;
    const auto& side = remote.side;
    if (spec.kind == HostKind::any) return std::nullopt;
    if (spec.kind == HostKind::defaultroute) {
      warn(side, side + "=%defaultroute names this host, not the peer; read as %any");
      return std::nullopt;
    }
    if (remote.addresses.empty()) {
      warn(side, side + "=" + spec.text +
                     ": address ranges and subnets are not enforced; peers are accepted from any "
                     "address and this end cannot initiate");
      return std::nullopt;
    }
    auto address = first_of(remote.addresses, family);
    if (spec.kind == HostKind::addresses && spec.items.size() > 1) {
      warn(side, side + "=" + spec.text + ": only " + address->to_string() +
                     " is used, to initiate to and to accept from");
    }
    if (spec.allow_any) {
      warn(side, side + "=" + spec.text + ": initiating to " + address->to_string() +
                     ", but peers are accepted only from that address (not from any)");
    }
    out_.remote_is_single_host = !spec.allow_any && spec.items.size() == 1;
    return address;
  }

  void warn(const std::string& keyword, const std::string& text) {
    out_.warnings.push_back(conn_message(conn_, keyword, text));
  }

  const ConnConfig& conn_;
  const HostAddresses& host_;
  ResolvedEnds out_;
};

}  // namespace

ike::Result<ResolvedEnds> resolve_ends(const ConnConfig& conn, const HostAddresses& host) {
  return EndResolver(conn, host).run();
}

}  // namespace ikev2d::setup::detail
