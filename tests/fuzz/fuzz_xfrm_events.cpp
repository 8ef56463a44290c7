// Fuzzes what the XFRM driver reads from the kernel, all pure functions of
// the received bytes:
//   - parse_xfrm_events (the event socket's datagrams): nothing may crash;
//     every event must be well formed (valid selectors, ESP/AH keys), every
//     problem must say something, and there can be no more of either than
//     the datagram has netlink headers;
//   - scan_answer (the request socket's answers) for a fixed sequence and
//     port, with the messages of ours handed on to the SA and policy readers
//     (parse_sa, parse_dumped_sa, parse_dumped_policy, build_moved_sa), as
//     the driver does with GETSA answers and dumps.
// Seeds: ACQUIRE, EXPIRE and MAPPING messages as the kernel sends them, an
// SA and a policy description, answers (ACK, error with extended ACK, DONE).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <variant>
#include <vector>

#include "xfrm/netlink_reply.hpp"
#include "xfrm/xfrm_dump.hpp"
#include "xfrm/xfrm_events.hpp"
#include "xfrm/xfrm_sa_messages.hpp"
#include "xfrm/xfrm_sa_update.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

bool valid_key(const ike::sa::SaKey& key) {
  return key.protocol == ike::wire::ProtocolId::esp || key.protocol == ike::wire::ProtocolId::ah;
}

void check_events(std::span<const std::uint8_t> data) {
  auto parsed = ikev2d::xfrm::parse_xfrm_events(data);
  std::size_t most = data.size() / sizeof(nlmsghdr);
  check(parsed.events.size() + parsed.problems.size() <= most + 1);
  for (const auto& problem : parsed.problems)
    check(!problem.empty());
  for (const auto& event : parsed.events) {
    if (const auto* acquire = std::get_if<ike::sa::KernelAcquire>(&event)) {
      check(acquire->source.is_valid() && acquire->destination.is_valid());
      check(acquire->source.family() == acquire->destination.family());
    } else if (const auto* expire = std::get_if<ike::sa::KernelExpire>(&event)) {
      check(valid_key(expire->sa));
    } else if (const auto* mapping = std::get_if<ike::sa::KernelMapping>(&event)) {
      check(valid_key(mapping->sa));
      check(mapping->new_address.family() == mapping->sa.destination.family());
    }
  }
}

void read_reply(const nlmsghdr& header) {
  (void)ikev2d::xfrm::parse_sa(header);
  (void)ikev2d::xfrm::parse_dumped_sa(header);
  if (auto policy = ikev2d::xfrm::parse_dumped_policy(header)) {
    (void)ikev2d::xfrm::build_delete_dumped_policy(*policy);
  }
  ike::sa::UpdateSaAddressesRequest move;
  move.new_source = ike::IpAddress::v4(10, 0, 0, 1);
  move.new_destination = ike::IpAddress::v4(10, 0, 0, 2);
  move.encapsulation = ike::sa::UdpEncapsulation{};
  if (auto moved = ikev2d::xfrm::build_moved_sa(header, move, 1'700'000'000)) {
    check(moved->bytes().size() <= ikev2d::xfrm::NetlinkMessage::capacity);
  }
}

void check_answer(std::span<const std::uint8_t> data) {
  // The socket's receive buffer is aligned; so is this copy.
  std::vector<std::uint32_t> aligned((data.size() + 3) / 4);
  if (!data.empty()) std::memcpy(aligned.data(), data.data(), data.size());
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(aligned.data()),
                                      data.size());
  ikev2d::xfrm::KernelAnswer answer;
  ikev2d::xfrm::scan_answer(bytes, 1, 4242, read_reply, answer);
  check(answer.error >= 0 && answer.error <= 4095 + 1000);
  if (!answer.malformed.empty()) check(answer.finished);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> input(data, size);
  check_events(input);
  check_answer(input);
  return 0;
}
