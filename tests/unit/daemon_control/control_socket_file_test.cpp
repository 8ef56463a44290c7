// ControlServer's socket file: mode, directory, stale files, a live
// daemon on the path, files that are not sockets, stop and restart, and
// descriptors kept from child processes.

#include "control/control_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/control_client.hpp"
#include "control/request_codec.hpp"
#include "control_fixture.hpp"

namespace ikev2d::control {
namespace {

using namespace test;
using json = nlohmann::json;
using ::testing::HasSubstr;

TEST(ControlServer, SocketsAreNotInheritedByScripts) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  RawClient client(harness.socket_path());
  ASSERT_TRUE(wait_until([&] { return harness.client_count() == 1; }));
  int sockets = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    auto target = std::filesystem::read_symlink(entry.path(), error);
    if (error || !target.string().starts_with("socket:")) continue;
    int fd = std::stoi(entry.path().filename().string());
    ++sockets;
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd;
  }
  EXPECT_GE(sockets, 3);  // listener, accepted, client
}

mode_t mode_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode;
}

/// Leaves a socket file nobody listens on, as a crashed daemon does.
void make_stale_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
}

TEST(ControlServerSocket, ModeIs0600AndTheDirectoryIsCreated0700) {
  ServerHarness harness;
  ControlServerOptions options;
  options.socket_path = harness.dir().file("run/ikev2d.sock");
  ASSERT_TRUE(harness.start(options).ok());
  EXPECT_TRUE(S_ISSOCK(mode_of(options.socket_path)));
  EXPECT_EQ(mode_of(options.socket_path) & 07777, 0600u);
  EXPECT_TRUE(S_ISDIR(mode_of(harness.dir().file("run"))));
  EXPECT_EQ(mode_of(harness.dir().file("run")) & 07777, 0700u);
  EXPECT_TRUE(collect(options.socket_path, ReloadCommand{}).result.ok());
}

TEST(ControlServerSocket, ModeIsConfigurable) {
  ServerHarness harness;
  ControlServerOptions options;
  options.mode = 0660;
  options.group = ::getgid();
  ASSERT_TRUE(harness.start(options).ok());
  EXPECT_EQ(mode_of(harness.socket_path()) & 07777, 0660u);
}

TEST(ControlServerSocket, StaleSocketFileIsReplaced) {
  ServerHarness harness;
  make_stale_socket(harness.socket_path());
  auto refused = ControlClient::connect(harness.socket_path());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "cannot reach ikev2d at " + harness.socket_path() +
                                        ": Connection refused (is ikev2d running?)");
  ASSERT_TRUE(harness.start().ok());
  EXPECT_TRUE(collect(harness.socket_path(), ReloadCommand{}).result.ok());
}

TEST(ControlServerSocket, SecondServerOnALiveSocketIsRefused) {
  ServerHarness first;
  ASSERT_TRUE(first.start().ok());
  ServerHarness second;
  ControlServerOptions options;
  options.socket_path = first.socket_path();
  auto status = second.start(options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().reason,
            "ikev2d is already running: another process answers on " + first.socket_path());
  second.stop_server();  // must not remove the first server's socket
  EXPECT_TRUE(collect(first.socket_path(), ReloadCommand{}).result.ok());
  EXPECT_EQ(first.handler().commands().size(), 1u);
}

TEST(ControlServerSocket, FileThatIsNotASocketIsLeftAlone) {
  ServerHarness harness;
  std::ofstream(harness.socket_path()) << "precious\n";
  auto status = harness.start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().reason,
            harness.socket_path() + " exists and is not a socket; not replacing it");
  std::ifstream kept(harness.socket_path());
  std::string text;
  std::getline(kept, text);
  EXPECT_EQ(text, "precious");
}

TEST(ControlServerSocket, PathTooLongForAUnixSocket) {
  ServerHarness harness;
  ControlServerOptions options;
  options.socket_path = "/tmp/" + std::string(120, 'p');
  auto status = harness.start(options);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().reason, HasSubstr("over the 107-byte limit"));
}

TEST(ControlServerSocket, StopClosesClientsAndRemovesTheSocketFile) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr) {});  // never answers
  RawClient client(harness.socket_path());
  client.send(encode_request(UpCommand{"office", ""}) + "\n");
  ASSERT_TRUE(wait_until([&] { return harness.handler().replies().size() == 1; }));
  auto reply = harness.handler().replies()[0];
  harness.stop_server();
  harness.loop().call([&] {
    EXPECT_TRUE(reply->closed());
    reply->send({{"type", "log"}, {"message", "after stop"}});  // dropped quietly
    reply->finish_ok();
  });
  EXPECT_TRUE(client.wait_closed());
  struct stat info {};
  EXPECT_NE(::lstat(harness.socket_path().c_str(), &info), 0);
}

TEST(ControlServerSocket, RestartAfterStopOnTheSamePath) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.stop_server();
  ASSERT_TRUE(harness.start().ok());
  EXPECT_TRUE(collect(harness.socket_path(), ReloadCommand{}).result.ok());
}

}  // namespace
}  // namespace ikev2d::control
