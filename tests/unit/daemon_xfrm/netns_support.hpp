#pragma once
// Network namespaces for the XFRM driver's root tests: each test runs in a
// namespace of its own, so it sees an empty SAD/SPD and leaves nothing
// behind; the two-namespace lab test uses named ones joined by veth.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace ikev2d::xfrm::test {

/// Output (stdout and stderr) and exit status of a shell command, run in the
/// calling thread's network namespace.
struct CommandResult {
  int status = -1;
  std::string output;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr)
    result.output += chunk.data();
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline bool running_as_root() {
  return ::geteuid() == 0;
}

/// Moves the calling thread into `namespace_fd`'s network namespace.
inline bool enter_namespace(int namespace_fd) {
  return ::setns(namespace_fd, CLONE_NEWNET) == 0;
}

/// The calling thread in a new, empty network namespace (loopback up) for
/// the object's lifetime; the original one is restored on destruction.
class FreshNetworkNamespace {
 public:
  FreshNetworkNamespace() {
    original_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original_ < 0 || ::unshare(CLONE_NEWNET) != 0) {
      error_ = std::strerror(errno);
      return;
    }
    entered_ = true;
    run_command("ip link set lo up");
  }
  ~FreshNetworkNamespace() {
    if (original_ >= 0) {
      if (entered_) enter_namespace(original_);
      ::close(original_);
    }
  }
  FreshNetworkNamespace(const FreshNetworkNamespace&) = delete;
  FreshNetworkNamespace& operator=(const FreshNetworkNamespace&) = delete;

  bool entered() const { return entered_; }
  const std::string& error() const { return error_; }
  int original() const { return original_; }

 private:
  int original_ = -1;
  bool entered_ = false;
  std::string error_;
};

/// A named namespace (`ip netns add`), deleted by name at the end.
class NamedNetworkNamespace {
 public:
  explicit NamedNetworkNamespace(std::string name) : name_(std::move(name)) {
    run_command("ip netns del " + name_);
    created_ = run_command("ip netns add " + name_).status == 0;
    if (created_) fd_ = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  }
  ~NamedNetworkNamespace() {
    if (fd_ >= 0) ::close(fd_);
    if (created_) run_command("ip netns del " + name_);
  }
  NamedNetworkNamespace(const NamedNetworkNamespace&) = delete;
  NamedNetworkNamespace& operator=(const NamedNetworkNamespace&) = delete;

  bool ok() const { return created_ && fd_ >= 0; }
  const std::string& name() const { return name_; }
  int fd() const { return fd_; }
  /// Runs `command` inside ("ip -n NAME ...").
  CommandResult ip(const std::string& arguments) const {
    return run_command("ip -n " + name_ + " " + arguments);
  }

 private:
  std::string name_;
  bool created_ = false;
  int fd_ = -1;
};

/// A scratch directory for ownership ledgers, removed at the end.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& tag)
      : path_(std::filesystem::temp_directory_path() /
              ("ikev2d-xfrm-" + tag + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace ikev2d::xfrm::test
