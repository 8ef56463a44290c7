#pragma once
/// The I/O of ikev2d-flood: a raw IPv4 socket (IPPROTO_RAW, so IP_HDRINCL)
/// that sends FloodRequests from spoofed sources in batches (sendmmsg), paced
/// to a rate or as fast as the kernel takes them, and optionally a UDP socket
/// on the spoofed source port that counts the responder's answers, which
/// arrive when the spoofed prefix is routed back to this namespace and local
/// here (`ip route add local CIDR dev lo`). It never answers anything.
///
/// SIGINT and SIGTERM end the run with a report: the caller blocks them
/// (block_stop_signals) and the loop polls for them between batches.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "ike/error.hpp"
#include "ike/random.hpp"
#include "load/flood_options.hpp"
#include "load/flood_request.hpp"

namespace ikev2d::load {

struct FloodReport {
  std::uint64_t sent = 0;
  /// sendmmsg refusals (ENOBUFS, ...), in requests.
  std::uint64_t send_errors = 0;
  double seconds = 0;
  double sent_per_second = 0;
  /// Whether answers were listened for (--no-answers, or the port was busy).
  bool answers_counted = false;
  std::string answers_note;
  /// Answers by kind (to_string(InitAnswer)).
  std::map<std::string, std::uint64_t> answers;
  std::uint64_t request_bytes = 0;
  /// ikev2d-flood's own CPU time (user + system): on a small machine the
  /// flood takes CPU from the responder under test.
  double tool_cpu_seconds = 0;
  bool interrupted = false;
};

std::string to_text(const FloodReport& report);
std::string to_json(const FloodReport& report);

/// Blocks SIGINT and SIGTERM in the calling thread, so that FloodSender
/// finds them pending instead of being killed.
void block_stop_signals();

class FloodSender {
 public:
  /// Opens the raw socket (EPERM without CAP_NET_RAW: the error says so) and,
  /// when asked, the answer socket; a busy answer port only turns counting
  /// off, with a note in the report.
  static ike::Result<std::unique_ptr<FloodSender>> open(const FloodOptions& options,
                                                        FloodRequest request);
  ~FloodSender();
  FloodSender(const FloodSender&) = delete;
  FloodSender& operator=(const FloodSender&) = delete;

  /// Floods until the duration is over or a stop signal is pending.
  FloodReport run();

 private:
  FloodSender(const FloodOptions& options, FloodRequest request);
  /// Fills and sends up to `count` requests; returns how many were taken.
  std::size_t send_batch(std::size_t count);
  void drain_answers();

  FloodOptions options_;
  FloodRequest request_;
  ike::SystemRandom random_;
  int raw_socket_ = -1;
  int answer_socket_ = -1;
  std::uint16_t identification_ = 0;
  FloodReport report_;
};

}  // namespace ikev2d::load
