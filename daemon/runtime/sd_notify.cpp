#include "runtime/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ikev2d::runtime {

SystemdNotifier SystemdNotifier::from_environment() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  return SystemdNotifier(path != nullptr ? path : "");
}

ike::Status SystemdNotifier::notify(std::string_view state) const {
  if (socket_path_.empty()) return {};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof address.sun_path) {
    return ike::make_error(ike::Errc::invalid_argument, "NOTIFY_SOCKET path too long");
  }
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return ike::make_error(ike::Errc::io_error,
                           std::string("sd_notify: socket: ") + std::strerror(errno));
  }
  ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                          reinterpret_cast<const sockaddr*>(&address), length);
  int error = errno;
  ::close(fd);
  if (sent < 0) {
    return ike::make_error(ike::Errc::io_error,
                           "sd_notify: send to " + socket_path_ + ": " + std::strerror(error));
  }
  return {};
}

std::string status_text(std::size_t ike_sas, std::size_t child_sas) {
  return std::to_string(ike_sas) + " IKE SAs, " + std::to_string(child_sas) + " CHILD SAs";
}

}  // namespace ikev2d::runtime
