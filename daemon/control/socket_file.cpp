#include "control/socket_file.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ikev2d::control {
namespace {

ike::Error io_error(std::string reason) {
  return ike::make_error(ike::Errc::io_error, std::move(reason));
}

std::string errno_text(int error) {
  return std::strerror(error);
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

/// What a connect() to an existing socket file says about its owner.
enum class Listener { alive, dead };

ike::Result<Listener> probe_listener(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return io_error("socket(AF_UNIX): " + errno_text(errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  int result = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  int error = errno;
  ::close(fd);
  if (result == 0) return Listener::alive;
  // ECONNREFUSED: the file is there but no socket is bound to it any more.
  if (error == ECONNREFUSED) return Listener::dead;
  // EAGAIN: a live listener whose backlog is full (the probe does not wait).
  if (error == EAGAIN) return Listener::alive;
  return io_error("cannot probe " + path + ": " + errno_text(error));
}

}  // namespace

ike::Status check_socket_path(const std::string& path) {
  if (path.empty()) return io_error("control socket path is empty");
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return io_error("control socket path " + path + " is " + std::to_string(path.size()) +
                    " bytes, over the " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                    "-byte limit of a UNIX socket address");
  }
  return {};
}

ike::Status ensure_socket_directory(const std::string& path) {
  std::string directory = parent_of(path);
  if (::mkdir(directory.c_str(), 0700) == 0) return {};
  if (errno != EEXIST) return io_error("cannot create " + directory + ": " + errno_text(errno));
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0) {
    return io_error("cannot stat " + directory + ": " + errno_text(errno));
  }
  if (!S_ISDIR(info.st_mode)) return io_error(directory + " exists and is not a directory");
  return {};
}

ike::Status claim_socket_path(const std::string& path) {
  if (auto status = check_socket_path(path); !status) return status;
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return {};
    return io_error("cannot stat " + path + ": " + errno_text(errno));
  }
  if (!S_ISSOCK(info.st_mode)) {
    return io_error(path + " exists and is not a socket; not replacing it");
  }
  auto listener = probe_listener(path);
  if (!listener) return std::move(listener).error();
  if (*listener == Listener::alive) {
    return io_error("ikev2d is already running: another process answers on " + path);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return io_error("cannot remove stale socket " + path + ": " + errno_text(errno));
  }
  return {};
}

void set_close_on_exec(int fd) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

ike::Status set_socket_permissions(const std::string& path, mode_t mode, gid_t group) {
  if (group != kKeepGroup && ::chown(path.c_str(), static_cast<uid_t>(-1), group) != 0) {
    return io_error("cannot chown " + path + " to group " + std::to_string(group) + ": " +
                    errno_text(errno));
  }
  if (::chmod(path.c_str(), mode) != 0) {
    return io_error("cannot chmod " + path + ": " + errno_text(errno));
  }
  return {};
}

}  // namespace ikev2d::control
