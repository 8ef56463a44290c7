#include "load/flood_sender.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "load/spoofed_packet.hpp"

namespace ikev2d::load {

namespace {

using Clock = std::chrono::steady_clock;

/// Room for a burst of answers while the loop sends.
constexpr int kAnswerBufferBytes = 8 << 20;
/// Answers read per drain, so reading never starves sending.
constexpr int kAnswersPerDrain = 256;
/// How long to keep reading answers after the last request.
constexpr auto kFinalDrain = std::chrono::milliseconds(300);
/// Per-request randomness besides KE and nonce: SPIi (8), source host (4).
constexpr std::size_t kRequestRandomBytes = 12;

sockaddr_in to_sockaddr(const ike::sa::Endpoint& endpoint) {
  sockaddr_in out{};
  out.sin_family = AF_INET;
  out.sin_port = htons(endpoint.port);
  std::memcpy(&out.sin_addr, endpoint.address.bytes().data(), 4);
  return out;
}

bool stop_signal_pending() {
  sigset_t pending;
  if (::sigpending(&pending) != 0) return false;
  return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

std::uint64_t read_be(const std::uint8_t* in, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i)
    value = value << 8 | in[i];
  return value;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

double cpu_seconds_used() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

void block_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &stop, nullptr);
}

FloodSender::FloodSender(const FloodOptions& options, FloodRequest request)
    : options_(options), request_(std::move(request)) {}

FloodSender::~FloodSender() {
  if (raw_socket_ >= 0) ::close(raw_socket_);
  if (answer_socket_ >= 0) ::close(answer_socket_);
}

ike::Result<std::unique_ptr<FloodSender>> FloodSender::open(const FloodOptions& options,
                                                            FloodRequest request) {
  std::unique_ptr<FloodSender> sender(new FloodSender(options, std::move(request)));
  // IPPROTO_RAW implies IP_HDRINCL: we write the IPv4 header, spoofed source included.
  sender->raw_socket_ = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (sender->raw_socket_ < 0) {
    return ike::make_error(ike::Errc::io_error,
                           std::string("raw socket: ") + std::strerror(errno) +
                               (errno == EPERM ? " (needs root or CAP_NET_RAW)" : ""));
  }
  sender->report_.request_bytes = sender->request_.bytes().size();
  if (!options.count_answers) {
    sender->report_.answers_note = "not listened for (--no-answers)";
    return sender;
  }
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int size = kAnswerBufferBytes;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_port = htons(options.source_port);
  if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) {
    sender->report_.answers_note =
        "not counted: bind 0.0.0.0:" + std::to_string(options.source_port) + ": " +
        std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return sender;
  }
  sender->answer_socket_ = fd;
  sender->report_.answers_counted = true;
  return sender;
}

std::size_t FloodSender::send_batch(std::size_t count) {
  const std::size_t packet_size = kIpv4UdpHeaderSize + request_.bytes().size();
  std::vector<std::uint8_t> packets(count * packet_size);
  std::vector<iovec> vectors(count);
  std::vector<mmsghdr> messages(count);
  sockaddr_in destination = to_sockaddr(options_.responder);
  std::uint8_t randomness[kRequestRandomBytes];
  for (std::size_t i = 0; i < count; ++i) {
    random_.fill(randomness);
    std::uint64_t spi = read_be(randomness, 8);
    if (spi == 0) spi = 1;  // SPIi is never zero (RFC 7296 3.1)
    ike::sa::Endpoint source{
        spoofed_address(options_.spoofed, static_cast<std::uint32_t>(read_be(randomness + 8, 4))),
        options_.source_port};
    request_.renew(spi, source, random_);
    std::uint8_t* packet = packets.data() + i * packet_size;
    std::memcpy(packet + kIpv4UdpHeaderSize, request_.bytes().data(), request_.bytes().size());
    write_ipv4_udp_headers({packet, packet_size}, source, options_.responder, ++identification_);
    vectors[i] = {packet, packet_size};
    messages[i] = {};
    messages[i].msg_hdr.msg_name = &destination;
    messages[i].msg_hdr.msg_namelen = sizeof destination;
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  std::size_t done = 0;
  while (done < count) {
    int sent =
        ::sendmmsg(raw_socket_, messages.data() + done, static_cast<unsigned>(count - done), 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      // ENOBUFS and the like: the requests are lost, the flood goes on.
      report_.send_errors += count - done;
      break;
    }
    done += static_cast<std::size_t>(sent);
    report_.sent += static_cast<std::uint64_t>(sent);
  }
  return count;
}

void FloodSender::drain_answers() {
  if (answer_socket_ < 0) return;
  std::uint8_t buffer[2048];
  for (int i = 0; i < kAnswersPerDrain; ++i) {
    ssize_t size = ::recv(answer_socket_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (size < 0) return;
    auto answer = classify_init_answer({buffer, static_cast<std::size_t>(size)});
    ++report_.answers[to_string(answer)];
  }
}

FloodReport FloodSender::run() {
  const auto start = Clock::now();
  const bool limited = options_.duration_seconds > 0;
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(options_.duration_seconds));
  for (;;) {
    auto now = Clock::now();
    if ((limited && now >= end) || stop_signal_pending()) break;
    std::size_t count = options_.batch;
    if (options_.rate > 0) {
      // Pacing: never more than the rate allows since the start.
      double elapsed = std::chrono::duration<double>(now - start).count();
      auto allowed = static_cast<std::uint64_t>(options_.rate * elapsed) + 1;
      std::uint64_t taken = report_.sent + report_.send_errors;
      if (allowed <= taken) {
        drain_answers();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      count = static_cast<std::size_t>(std::min<std::uint64_t>(count, allowed - taken));
    }
    send_batch(count);
    drain_answers();
  }
  const auto stopped = Clock::now();
  report_.interrupted = stop_signal_pending();
  report_.seconds = std::chrono::duration<double>(stopped - start).count();
  report_.sent_per_second = report_.seconds > 0 ? report_.sent / report_.seconds : 0;
  report_.tool_cpu_seconds = cpu_seconds_used();
  // Answers to the last requests are still on their way.
  while (answer_socket_ >= 0 && Clock::now() < stopped + kFinalDrain) {
    drain_answers();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return report_;
}

std::string to_text(const FloodReport& report) {
  std::string out;
  if (report.interrupted) out += "interrupted by a signal\n";
  out += "IKE_SA_INIT requests sent: " + std::to_string(report.sent) + " in " +
         fixed(report.seconds, 3) + " s (" + fixed(report.sent_per_second, 0) + "/s, " +
         std::to_string(report.request_bytes) + " octets each; " +
         fixed(report.tool_cpu_seconds, 2) + " s CPU)\n";
  if (report.send_errors) {
    out += "requests the kernel refused: " + std::to_string(report.send_errors) + "\n";
  }
  if (!report.answers_counted) {
    out += "answers: " + report.answers_note + "\n";
  } else {
    std::uint64_t total = 0;
    for (const auto& [kind, count] : report.answers)
      total += count;
    out += "answers received: " + std::to_string(total) + "\n";
    for (const auto& [kind, count] : report.answers)
      out += "  " + kind + ": " + std::to_string(count) + "\n";
  }
  return out;
}

std::string to_json(const FloodReport& report) {
  nlohmann::json answers = nlohmann::json::object();
  for (const auto& [kind, count] : report.answers)
    answers[kind] = count;
  nlohmann::json json{{"sent", report.sent},
                      {"send_errors", report.send_errors},
                      {"seconds", report.seconds},
                      {"sent_per_second", report.sent_per_second},
                      {"request_bytes", report.request_bytes},
                      {"tool_cpu_seconds", report.tool_cpu_seconds},
                      {"answers_counted", report.answers_counted},
                      {"answers", answers},
                      {"interrupted", report.interrupted}};
  if (!report.answers_note.empty()) json["answers_note"] = report.answers_note;
  return json.dump();
}

}  // namespace ikev2d::load
