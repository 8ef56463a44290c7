#include "updown/updown_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ikev2d::updown {
namespace {

using ike::sa::LogLevel;

/// posix_spawn's attributes and file actions, destroyed on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    ok_ = ::posix_spawnattr_init(&attributes_) == 0;
    ok_ = ::posix_spawn_file_actions_init(&actions_) == 0 && ok_;
  }
  ~SpawnSetup() {
    ::posix_spawnattr_destroy(&attributes_);
    ::posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  /// stdin from /dev/null, stdout and stderr into `output`; a new process
  /// group; every signal at its default and none blocked, whatever the
  /// daemon set for itself (ignored signals survive exec otherwise).
  bool configure(int output) {
    if (!ok_) return false;
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    return ::posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0) == 0 &&
           ::posix_spawn_file_actions_adddup2(&actions_, output, 1) == 0 &&
           ::posix_spawn_file_actions_adddup2(&actions_, output, 2) == 0 &&
           ::posix_spawnattr_setflags(&attributes_, flags) == 0 &&
           ::posix_spawnattr_setpgroup(&attributes_, 0) == 0 &&
           ::posix_spawnattr_setsigmask(&attributes_, &none) == 0 &&
           ::posix_spawnattr_setsigdefault(&attributes_, &all) == 0 && close_inherited();
  }

  const posix_spawnattr_t* attributes() const { return &attributes_; }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }

 private:
  /// The daemon's sockets (netlink, control, IKE) are none of the script's
  /// business, even where someone forgot O_CLOEXEC.
  bool close_inherited() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return ::posix_spawn_file_actions_addclosefrom_np(&actions_, 3) == 0;
#else
    return true;
#endif
  }

  bool ok_ = false;
  posix_spawnattr_t attributes_;
  posix_spawn_file_actions_t actions_;
};

std::string exit_description(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with wait status " + std::to_string(status);
}

}  // namespace

UpdownRunner::UpdownRunner(LogSink log, RunnerOptions options)
    : log_(std::move(log)), options_(std::move(options)) {}

UpdownRunner::~UpdownRunner() {
  for (auto& process : processes_) {
    if (!process.exited) {
      ::kill(-process.pid, SIGKILL);
      int status = 0;
      while (::waitpid(process.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    if (process.output >= 0) ::close(process.output);
  }
}

void UpdownRunner::submit(UpdownJob job, ike::MonoTime now) {
  auto& queue = queues_[job.key];
  for (auto& environment : job.environments) {
    queue.push_back(Invocation{job.key, job.label, job.script, std::move(environment)});
  }
  start_ready(now);
}

std::size_t UpdownRunner::pending() const noexcept {
  std::size_t count = 0;
  for (const auto& [key, queue] : queues_)
    count += queue.size();
  return count;
}

bool UpdownRunner::busy(const std::string& key) const {
  return std::any_of(processes_.begin(), processes_.end(),
                     [&](const Process& process) { return process.invocation.key == key; });
}

void UpdownRunner::start_ready(ike::MonoTime now) {
  for (auto it = queues_.begin(); it != queues_.end();) {
    auto& [key, queue] = *it;
    if (!queue.empty() && !busy(key)) {
      auto invocation = std::move(queue.front());
      queue.pop_front();
      spawn(std::move(invocation), now);
      continue;  // a failed spawn leaves the key idle: try its next one
    }
    it = queue.empty() ? queues_.erase(it) : std::next(it);
  }
}

void UpdownRunner::spawn(Invocation invocation, ike::MonoTime now) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    log_(LogLevel::error, invocation.label,
         "updown: cannot create a pipe: " + std::string(std::strerror(errno)));
    return;
  }
  // Only our end is non-blocking; the script writes to a normal pipe.
  ::fcntl(pipe_fds[1], F_SETFL, 0);
  SpawnSetup setup;
  std::vector<char*> argv{const_cast<char*>("sh"), const_cast<char*>("-c"),
                          invocation.script.data(), nullptr};
  std::vector<char*> envp;
  for (auto& entry : invocation.environment)
    envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = setup.configure(pipe_fds[1])
               ? ::posix_spawn(&pid, options_.shell.c_str(), setup.actions(), setup.attributes(),
                               argv.data(), envp.data())
               : EINVAL;
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    log_(LogLevel::error, invocation.label,
         "updown: cannot start " + options_.shell + ": " + std::strerror(rc));
    return;
  }
  Process process;
  process.pid = pid;
  process.output = pipe_fds[0];
  process.invocation = std::move(invocation);
  process.deadline = now + options_.timeout;
  processes_.push_back(std::move(process));
}

void UpdownRunner::reap(ike::MonoTime now) {
  for (auto& process : processes_) {
    drain(process);
    if (!process.exited) {
      int status = 0;
      if (::waitpid(process.pid, &status, WNOHANG) == process.pid) {
        process.exited = true;
        process.status = status;
        drain(process);
      }
    }
    if (process.exited) {
      // Done once the shell is gone: a background child of the script may
      // still hold the pipe, but it is not waited for.
      finish(process);
    } else if (now >= process.deadline) {
      kill_overdue(process, now);
    }
  }
  std::erase_if(processes_, [](const Process& process) { return process.pid < 0; });
  start_ready(now);
}

void UpdownRunner::kill_overdue(Process& process, ike::MonoTime now) {
  // Checked again a second later, in case the loop does not watch SIGCHLD.
  process.deadline = now + ike::seconds(1);
  if (process.killed) return;
  ::kill(-process.pid, SIGKILL);
  process.killed = true;
  log_(LogLevel::warning, process.invocation.label,
       "updown: '" + process.invocation.script + "' still running after " +
           std::to_string(std::chrono::duration_cast<ike::seconds>(options_.timeout).count()) +
           " s; killed");
}

void UpdownRunner::drain(Process& process) {
  if (process.output < 0) return;
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(process.output, buffer, sizeof buffer);
    if (got > 0) {
      keep_output(process, std::string_view(buffer, static_cast<std::size_t>(got)));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    // End of file (or a read error): stop watching, so that a loop polling
    // the descriptor does not spin on it until the child is reaped.
    emit_lines(process, true);
    ::close(process.output);
    process.output = -1;
    return;
  }
}

void UpdownRunner::keep_output(Process& process, std::string_view data) {
  std::size_t used = process.logged + process.partial.size();
  std::size_t room = used < options_.max_output ? options_.max_output - used : 0;
  process.partial.append(data.substr(0, room));
  emit_lines(process, false);
  if (data.size() > room && !process.truncated) {
    process.truncated = true;
    log_(LogLevel::warning, process.invocation.label,
         "updown: output truncated after " + std::to_string(options_.max_output) + " bytes");
  }
}

void UpdownRunner::emit_lines(Process& process, bool final) {
  for (;;) {
    auto newline = process.partial.find('\n');
    if (newline == std::string::npos) {
      if (process.partial.size() >= options_.max_line || (final && !process.partial.empty())) {
        auto length = std::min(process.partial.size(), options_.max_line);
        emit(process, process.partial.substr(0, length));
        process.partial.erase(0, length);
        continue;
      }
      return;
    }
    auto length = std::min(newline, options_.max_line);
    emit(process, process.partial.substr(0, length));
    process.partial.erase(0, length == newline ? newline + 1 : length);
  }
}

void UpdownRunner::emit(Process& process, const std::string& line) {
  std::string text = line;
  if (!text.empty() && text.back() == '\r') text.pop_back();
  process.logged += line.size() + 1;
  log_(LogLevel::info, process.invocation.label, "updown: " + text);
}

void UpdownRunner::finish(Process& process) {
  emit_lines(process, true);
  if (process.output >= 0) ::close(process.output);
  process.output = -1;
  bool success = WIFEXITED(process.status) && WEXITSTATUS(process.status) == 0;
  if (!success && !process.killed) {
    log_(LogLevel::warning, process.invocation.label,
         "updown: '" + process.invocation.script + "' " + exit_description(process.status));
  }
  process.pid = -1;
}

std::vector<int> UpdownRunner::output_descriptors() const {
  std::vector<int> out;
  for (const auto& process : processes_) {
    if (process.output >= 0) out.push_back(process.output);
  }
  return out;
}

std::optional<ike::MonoTime> UpdownRunner::next_deadline() const {
  std::optional<ike::MonoTime> earliest;
  for (const auto& process : processes_) {
    if (!earliest || process.deadline < *earliest) earliest = process.deadline;
  }
  return earliest;
}

}  // namespace ikev2d::updown
