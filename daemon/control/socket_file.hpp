#pragma once
/// The control socket's place in the file system: its directory, and a
/// socket file left behind by a daemon that died (which we may replace) as
/// opposed to one a running daemon listens on (which we must not steal).

#include <sys/types.h>

#include <string>

#include "ike/error.hpp"

namespace ikev2d::control {

/// Checks `path` fits a sockaddr_un (107 bytes) and is not empty.
ike::Status check_socket_path(const std::string& path);

/// Creates the socket's parent directory with mode 0700 if it is missing
/// (only the last component; its own parent must exist). An existing
/// directory is left as it is.
ike::Status ensure_socket_directory(const std::string& path);

/// Makes `path` free for bind(): nothing there is fine; a socket file
/// nobody accepts on (connect() is refused) is removed; a socket a live
/// process answers on, a file that is not a socket, or a symbolic link is
/// an error that says so ("ikev2d is already running on PATH").
ike::Status claim_socket_path(const std::string& path);

/// chmod and, if asked, chown (group only: the daemon's uid stays owner).
ike::Status set_socket_permissions(const std::string& path, mode_t mode, gid_t group);

/// Sets FD_CLOEXEC: Asio opens and accepts without it, and the daemon runs
/// updown scripts, which must not inherit the control sockets.
void set_close_on_exec(int fd);

/// No group change for set_socket_permissions.
inline constexpr gid_t kKeepGroup = static_cast<gid_t>(-1);

}  // namespace ikev2d::control
