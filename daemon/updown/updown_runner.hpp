#pragma once
/// Runs leftupdown scripts without ever blocking the event loop.
///
/// Each invocation is `/bin/sh -c SCRIPT` started with posix_spawn, with
/// exactly the PLUTO_* environment (updown_environment.hpp), stdin from
/// /dev/null, stdout and stderr into one non-blocking pipe whose lines go to
/// the log sink (as strongSwan runs "SCRIPT 2>&1" and logs its output). The
/// child leads its own process group, so a timeout kills whatever the script
/// started too.
///
/// Ordering: strongSwan runs updown synchronously, so a script never sees
/// "down" before its "up" has finished. Here invocations with the same key
/// (the daemon uses the CHILD SA's connection name) run one after another in
/// submission order; different keys run in parallel.
///
/// Driving it: nothing happens between calls. The loop calls reap(now) when
/// SIGCHLD arrives (an asio::signal_set), when an output descriptor becomes
/// readable, and at next_deadline(); calling it more often is harmless.
/// reap() only waits for its own children (waitpid on each pid, WNOHANG), so
/// it never steals another component's child. An invocation still running
/// `timeout` (30 s) after it started is killed with SIGKILL.

#include <sys/types.h>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/sa/events.hpp"
#include "ike/sa/time.hpp"

namespace ikev2d::updown {

struct UpdownJob {
  /// Jobs with the same key run one after another (see above).
  std::string key;
  /// Prefix for the log lines, e.g. "office[3]".
  std::string label;
  std::string script;
  /// One process per environment (per selector pair), in this order.
  std::vector<std::vector<std::string>> environments;
  /// What the job is for the daemon's log ("up script for CHILD SA 'net'").
  std::string description;
};

struct RunnerOptions {
  std::string shell = "/bin/sh";
  ike::Duration timeout = ike::seconds(30);
  /// Longer output lines are split.
  std::size_t max_line = 1024;
  /// Output logged per invocation; the rest is read and dropped.
  std::size_t max_output = 64 * 1024;
};

class UpdownRunner {
 public:
  /// Receives every line of script output (info), a non-zero exit or a kill
  /// (warning), and failures to start (error); `label` is the job's.
  using LogSink =
      std::function<void(ike::sa::LogLevel level, const std::string& label, const std::string&)>;

  explicit UpdownRunner(LogSink log, RunnerOptions options = {});
  /// Kills (SIGKILL to the process group) and reaps every child still running;
  /// queued invocations are dropped.
  ~UpdownRunner();
  UpdownRunner(const UpdownRunner&) = delete;
  UpdownRunner& operator=(const UpdownRunner&) = delete;

  /// Queues the job's invocations and starts what may start. Returns at once.
  void submit(UpdownJob job, ike::MonoTime now);

  /// Reads available output, reaps exited children, kills overdue ones,
  /// starts queued invocations whose predecessor finished.
  void reap(ike::MonoTime now);

  /// The read ends of the output pipes, for the loop to watch.
  std::vector<int> output_descriptors() const;
  /// The earliest timeout of a running invocation.
  std::optional<ike::MonoTime> next_deadline() const;
  std::size_t running() const noexcept { return processes_.size(); }
  /// Invocations waiting for an earlier one with the same key.
  std::size_t pending() const noexcept;
  bool idle() const noexcept { return running() == 0 && pending() == 0; }

 private:
  struct Invocation {
    std::string key;
    std::string label;
    std::string script;
    std::vector<std::string> environment;
  };
  struct Process {
    pid_t pid = -1;
    int output = -1;
    Invocation invocation;
    ike::MonoTime deadline;
    std::string partial;
    std::size_t logged = 0;
    bool truncated = false;
    bool killed = false;
    bool exited = false;
    int status = 0;
  };

  void start_ready(ike::MonoTime now);
  bool busy(const std::string& key) const;
  void spawn(Invocation invocation, ike::MonoTime now);
  /// Reads what is available; closes the pipe at end of file.
  void drain(Process& process);
  void keep_output(Process& process, std::string_view data);
  void kill_overdue(Process& process, ike::MonoTime now);
  void emit_lines(Process& process, bool final);
  void emit(Process& process, const std::string& line);
  void finish(Process& process);

  LogSink log_;
  RunnerOptions options_;
  std::map<std::string, std::deque<Invocation>> queues_;
  std::vector<Process> processes_;
};

}  // namespace ikev2d::updown
