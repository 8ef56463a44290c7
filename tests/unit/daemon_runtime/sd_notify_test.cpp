#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "runtime/sd_notify.hpp"

namespace ikev2d::runtime {
namespace {

TEST(SystemdNotifier, WithoutSocketNothingIsSent) {
  SystemdNotifier notifier("");
  EXPECT_FALSE(notifier.enabled());
  EXPECT_TRUE(notifier.notify("READY=1"));
}

class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path_.data(), path_.size());
    if (path_[0] == '@') address.sun_path[0] = '\0';
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size());
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~NotifySocket() {
    ::close(fd_);
    if (path_[0] != '@') std::filesystem::remove(path_);
  }
  bool bound() const { return bound_; }
  std::string receive() {
    char buffer[512];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string path_;
  int fd_;
  bool bound_ = false;
};

TEST(SystemdNotifier, SendsOneDatagramToThePathSocket) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("ikev2d-notify-" + std::to_string(::getpid()) + ".sock");
  NotifySocket socket(path);
  ASSERT_TRUE(socket.bound());
  SystemdNotifier notifier(path);
  ASSERT_TRUE(notifier.notify("READY=1\nSTATUS=0 IKE SAs, 0 CHILD SAs"));
  EXPECT_EQ(socket.receive(), "READY=1\nSTATUS=0 IKE SAs, 0 CHILD SAs");
}

TEST(SystemdNotifier, AbstractNamespaceSocket) {
  std::string path = "@ikev2d-notify-test-" + std::to_string(::getpid());
  NotifySocket socket(path);
  ASSERT_TRUE(socket.bound());
  ASSERT_TRUE(SystemdNotifier(path).notify("STOPPING=1"));
  EXPECT_EQ(socket.receive(), "STOPPING=1");
}

TEST(SystemdNotifier, MissingSocketIsAnError) {
  auto sent = SystemdNotifier("/nonexistent/ikev2d/notify").notify("READY=1");
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().reason.find("/nonexistent/ikev2d/notify"), std::string::npos);
}

TEST(StatusText, CountsBothKindsOfSa) {
  EXPECT_EQ(status_text(0, 0), "0 IKE SAs, 0 CHILD SAs");
  EXPECT_EQ(status_text(100000, 250000), "100000 IKE SAs, 250000 CHILD SAs");
}

}  // namespace
}  // namespace ikev2d::runtime
