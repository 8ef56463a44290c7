#include "rekey_peers.hpp"

#include <set>

#include "ike/proposal/parser.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "ike/wire/message.hpp"

namespace ike::test {

RekeyPeers::RekeyPeers() : a_(1, 0xa0000001, {}), b_(2, 0xb0000001, {}) {
  a_.credentials.set_psk("rekey-test-psk-0123456789");
  b_.credentials.set_psk("rekey-test-psk-0123456789");
}

void RekeyPeers::establish(sa::ConnectionPtr for_a, sa::ConnectionPtr for_b) {
  a_.engine.add_connection(std::move(for_a));
  b_.engine.add_connection(std::move(for_b));
  (void)a_.engine.initiate("office", "office", now_);
  deliver_all();
  // IKE_AUTH's responder sends on its first CHILD SA one message before the
  // initiator installs it; rekeys are what these tests measure.
  larval_windows = 0;
}

void RekeyPeers::collect() {
  while (auto out = a_.engine.poll_transmit()) {
    if (down_[1]) continue;
    queue_.push_back(Pending{Side::b, sa::Datagram{out->remote, out->local, out->bytes}});
  }
  while (auto out = b_.engine.poll_transmit()) {
    if (down_[0]) continue;
    queue_.push_back(Pending{Side::a, sa::Datagram{out->remote, out->local, out->bytes}});
  }
}

std::size_t RekeyPeers::pending(Side to) {
  collect();
  std::size_t count = 0;
  for (const auto& entry : queue_)
    count += entry.to == to;
  return count;
}

std::string RekeyPeers::describe_pending(Side to, std::size_t index) {
  collect();
  for (const auto& entry : queue_) {
    if (entry.to != to) continue;
    if (index-- > 0) continue;
    auto header = wire::peek_header(entry.datagram.bytes);
    if (!header) return "?";
    return wire::to_string(header->exchange) + (header->is_response() ? " response" : " request");
  }
  return "none";
}

bool RekeyPeers::deliver(Side to, std::size_t index) {
  collect();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->to != to) continue;
    if (index-- > 0) continue;
    auto datagram = std::move(it->datagram);
    queue_.erase(it);
    auto step = "delivering to " + std::string(to_string(to)) + " " +
                std::to_string(datagram.bytes.size()) + " bytes";
    peer(to).engine.handle_datagram(datagram, now_);
    collect();
    check(step);
    return true;
  }
  return false;
}

bool RekeyPeers::drop(Side to, std::size_t index) {
  collect();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->to != to || index-- > 0) continue;
    queue_.erase(it);
    return true;
  }
  return false;
}

int RekeyPeers::deliver_all() {
  int delivered = 0;
  for (collect(); !queue_.empty(); ++delivered)
    deliver(queue_.front().to, 0);
  return delivered;
}

void RekeyPeers::advance(Duration duration) {
  now_ += duration;
  a_.engine.handle_timeout(now_);
  b_.engine.handle_timeout(now_);
  collect();
  check("timers after advancing " + std::to_string(duration.count()) + " ms");
}

void RekeyPeers::run_for(Duration duration) {
  auto end = now_ + duration;
  for (;;) {
    deliver_all();
    std::optional<MonoTime> next;
    for (auto* peer : {&a_, &b_}) {
      auto when = peer->engine.next_deadline();
      if (when && (!next || *when < *next)) next = when;
    }
    if (!next || *next > end) break;
    now_ = std::max(now_, *next);
    a_.engine.handle_timeout(now_);
    b_.engine.handle_timeout(now_);
    collect();
    check("timers at +" + std::to_string((now_ - MonoTime{} - hours(1)).count()) + " ms");
  }
  now_ = end;
}

std::uint64_t RekeyPeers::installed_at(Side side, std::uint32_t spi) const {
  const auto& seen = seen_[side == Side::a ? 0 : 1];
  auto it = seen.find(spi);
  return it == seen.end() ? 0 : it->second;
}

void RekeyPeers::note_installs() {
  ++install_clock_;
  for (auto side : {Side::a, Side::b}) {
    auto& seen = seen_[side == Side::a ? 0 : 1];
    const auto& sas = peer(side).kernel.sas;
    std::erase_if(seen, [&sas](const auto& entry) { return !sas.contains(entry.first); });
    for (const auto& [spi, installed] : sas)
      seen.emplace(spi, install_clock_);
  }
}

void RekeyPeers::check(const std::string& step) {
  for (auto& line : check_both(*this, /*idle=*/false))
    violations.push_back(step + ": " + line);
}

namespace {

const std::vector<sa::ChildSa> kNoChildren;

/// Policies a CHILD SA owns: out, in (and fwd in tunnel mode) per selector pair.
std::size_t policies_owned(const sa::ChildSa& child) {
  if (!child.policies_installed) return 0;
  std::size_t pairs = 0;
  for (const auto& local : child.local_ts)
    for (const auto& remote : child.remote_ts)
      pairs += local.family() == remote.family();
  return pairs * (child.mode == sa::IpsecMode::tunnel ? 3 : 2);
}

}  // namespace

std::vector<std::string> kernel_mismatches(HarnessPeer& peer, const std::string& who, bool idle) {
  std::vector<std::string> out;
  auto& kernel = peer.kernel;
  std::set<std::uint32_t> expected_sas;
  std::size_t expected_policies = 0;
  std::set<std::uint32_t> policy_owner_reqids;
  std::set<std::uint32_t> going_reqids;  // owned by a CHILD SA being deleted
  for (const auto* ike : peer.engine.ike_sas()) {
    for (const auto& child : ike->children) {
      auto label = who + " child #" + std::to_string(child.serial);
      auto expect_sa = [&](std::uint32_t spi, bool inbound) {
        expected_sas.insert(spi);
        auto it = kernel.sas.find(spi);
        if (it == kernel.sas.end()) {
          out.push_back(label + ": " + (inbound ? "inbound" : "outbound") + " SA " +
                        std::to_string(spi) + " missing in the kernel");
        } else if (it->second.request.inbound != inbound ||
                   it->second.request.reqid != child.reqid) {
          out.push_back(label + ": SA " + std::to_string(spi) + " has the wrong direction/reqid");
        }
      };
      if (child.inbound_installed) expect_sa(child.spi_in, true);
      if (child.outbound_installed) expect_sa(child.spi_out, false);
      expected_policies += policies_owned(child);
      if (child.policies_installed) policy_owner_reqids.insert(child.reqid);
      if (child.policies_installed && child.state == sa::ChildState::deleting) {
        going_reqids.insert(child.reqid);
      }
    }
  }
  for (const auto& [spi, installed] : kernel.sas) {
    if (!expected_sas.contains(spi)) {
      out.push_back(who + ": kernel holds SA " + std::to_string(spi) + " no CHILD SA claims");
    }
  }
  if (kernel.policies.size() != expected_policies) {
    out.push_back(who + ": kernel holds " + std::to_string(kernel.policies.size()) +
                  " policies, CHILD SAs own " + std::to_string(expected_policies));
  }
  std::set<std::uint32_t> reqids_in, reqids_out;
  for (const auto& [spi, installed] : kernel.sas)
    (installed.request.inbound ? reqids_in : reqids_out).insert(installed.request.reqid);
  for (const auto& [key, policy] : kernel.policies) {
    if (!policy_owner_reqids.contains(policy.reqid)) {
      out.push_back(who + ": policy '" + policy.story + "' of reqid " +
                    std::to_string(policy.reqid) + " has no owner");
    }
    bool going = going_reqids.contains(policy.reqid);
    if (!going && (!reqids_in.contains(policy.reqid) || !reqids_out.contains(policy.reqid))) {
      out.push_back(who + ": gap: policy '" + policy.story + "' of reqid " +
                    std::to_string(policy.reqid) + " lacks an inbound or outbound SA");
    }
  }
  if (idle && !kernel.larval.empty()) {
    out.push_back(who + ": " + std::to_string(kernel.larval.size()) + " allocated SPI(s) leaked");
  }
  return out;
}

std::vector<std::string> check_both(RekeyPeers& peers, bool idle) {
  peers.note_installs();
  auto out = kernel_mismatches(peers.a(), "a", idle);
  auto more = kernel_mismatches(peers.b(), "b", idle);
  out.insert(out.end(), more.begin(), more.end());
  for (auto side : {Side::a, Side::b}) {
    auto& self = peers.peer(side);
    auto& other = peers.peer(test::other(side));
    // reqid -> the outbound SA the kernel sends with (the newest).
    std::map<std::uint32_t, std::uint32_t> in_use;
    for (const auto& [spi, installed] : self.kernel.sas) {
      if (installed.request.inbound) continue;
      auto [it, fresh] = in_use.emplace(installed.request.reqid, spi);
      if (!fresh && peers.installed_at(side, spi) > peers.installed_at(side, it->second)) {
        it->second = spi;
      }
    }
    for (const auto& [spi, installed] : self.kernel.sas) {
      if (installed.request.inbound) continue;
      bool used = in_use.at(installed.request.reqid) == spi;
      if (!used && !idle) continue;
      auto where = std::string(to_string(side)) + " outbound SA " + std::to_string(spi);
      auto it = other.kernel.sas.find(spi);
      if (it == other.kernel.sas.end()) {
        if (!idle && other.kernel.larval.contains(spi)) {
          ++peers.larval_windows;
        } else {
          out.push_back(where + (used ? " (in use)" : "") + " has no inbound SA at the peer");
        }
        continue;
      }
      if (!it->second.request.inbound ||
          installed.request.encryption_key != it->second.request.encryption_key) {
        out.push_back(where + ": the peer's SA is not its inbound twin with the same key");
      }
    }
  }
  return out;
}

const sa::IkeSa* only_ike_sa(HarnessPeer& peer) {
  auto sas = peer.engine.ike_sas();
  return sas.size() == 1 ? sas.front() : nullptr;
}

const std::vector<sa::ChildSa>& children_of(HarnessPeer& peer) {
  const auto* ike = only_ike_sa(peer);
  return ike ? ike->children : kNoChildren;
}

std::pair<std::shared_ptr<sa::Connection>, std::shared_ptr<sa::Connection>> rekey_connections(
    const std::string& esp_a, const std::string& esp_b) {
  auto [west, east] = psk_connection_pair("office");
  auto add_lab = [](sa::Connection& connection, const char* local, const char* remote) {
    sa::ChildConfig lab = connection.children.front();
    lab.name = "lab";
    lab.local_ts = *ts::parse_subnet_list(local);
    lab.remote_ts = *ts::parse_subnet_list(remote);
    connection.children.push_back(lab);
  };
  add_lab(*west, "10.88.2.0/24", "10.88.1.0/24");
  add_lab(*east, "10.88.1.0/24", "10.88.2.0/24");
  auto set_esp = [](sa::Connection& connection, const std::string& esp) {
    if (esp.empty()) return;
    auto parsed = proposal::parse_proposals(esp, wire::ProtocolId::esp);
    for (auto& child : connection.children)
      child.esp_proposals = parsed->proposals;
  };
  set_esp(*west, esp_a);
  set_esp(*east, esp_b);
  return {west, east};
}

Bytes nonce_of(std::uint8_t value) {
  return Bytes(32, value);
}

std::string lines(const std::vector<std::string>& all) {
  std::string out;
  for (const auto& line : all)
    out += line + "\n";
  return out;
}

}  // namespace ike::test
