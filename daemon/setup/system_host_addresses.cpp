// The host's own addresses, read from the running system. Only used while a
// configuration is loaded, never on the packet path, so nothing is cached:
// a reload sees addresses that appeared since the last one.

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "setup/configuration.hpp"

namespace ikev2d::setup {
namespace {

std::optional<ike::IpAddress> from_sockaddr(const sockaddr* address) {
  if (address == nullptr) return std::nullopt;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    auto parsed = ike::IpAddress::from_bytes(
        ike::ByteView(reinterpret_cast<const std::uint8_t*>(&v4->sin_addr), 4));
    if (parsed) return *parsed;
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    auto parsed = ike::IpAddress::from_bytes(
        ike::ByteView(reinterpret_cast<const std::uint8_t*>(&v6->sin6_addr), 16));
    if (parsed) return *parsed;
  }
  return std::nullopt;
}

struct IfaddrsDeleter {
  void operator()(ifaddrs* list) const noexcept { ::freeifaddrs(list); }
};

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};

/// Closes a descriptor on every path out.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace

bool SystemHostAddresses::is_local(const ike::IpAddress& address) const {
  ifaddrs* raw = nullptr;
  if (::getifaddrs(&raw) != 0) return false;
  std::unique_ptr<ifaddrs, IfaddrsDeleter> list(raw);
  for (const ifaddrs* entry = list.get(); entry != nullptr; entry = entry->ifa_next) {
    auto own = from_sockaddr(entry->ifa_addr);
    if (own && *own == address) return true;
  }
  return false;
}

std::optional<ike::IpAddress> SystemHostAddresses::default_route_source(int ip_version) const {
  // connect() on a UDP socket sends nothing: it only asks the kernel which
  // route, and so which source address, a datagram to that destination would
  // take. Any address beyond the local networks does; these are public
  // resolvers, never contacted.
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (ip_version == 6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(53);
    if (::inet_pton(AF_INET6, "2001:4860:4860::8888", &v6->sin6_addr) != 1) return std::nullopt;
    length = sizeof(sockaddr_in6);
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(53);
    if (::inet_pton(AF_INET, "8.8.8.8", &v4->sin_addr) != 1) return std::nullopt;
    length = sizeof(sockaddr_in);
  }
  Socket socket(::socket(storage.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (socket.get() < 0) return std::nullopt;
  if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
    return std::nullopt;
  }
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    return std::nullopt;
  }
  auto address = from_sockaddr(reinterpret_cast<const sockaddr*>(&local));
  if (!address || address->is_zero()) return std::nullopt;
  return address;
}

ike::Result<std::vector<ike::IpAddress>> SystemHostAddresses::resolve(
    const std::string& hostname) const {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* raw = nullptr;
  int rc = ::getaddrinfo(hostname.c_str(), nullptr, &hints, &raw);
  if (rc != 0) {
    return ike::make_error(ike::Errc::io_error,
                           "cannot resolve '" + hostname + "': " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
  std::vector<ike::IpAddress> out;
  for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
    auto address = from_sockaddr(entry->ai_addr);
    if (!address) continue;
    bool seen = false;
    for (const auto& known : out)
      seen = seen || known == *address;
    if (!seen) out.push_back(*address);
  }
  if (out.empty()) {
    return ike::make_error(ike::Errc::io_error, "'" + hostname + "' has no IPv4 or IPv6 address");
  }
  return out;
}

}  // namespace ikev2d::setup
