// ikev2d: the IKEv2 daemon. Always in the foreground (systemd Type=notify);
// see runtime/options.hpp for the command line and runtime/daemon.hpp for
// what it does.

#include <csignal>
#include <cstdio>
#include <string_view>
#include <vector>

#include "runtime/daemon.hpp"
#include "runtime/log_writer.hpp"
#include "runtime/logger.hpp"
#include "runtime/options.hpp"
#include "runtime/version.hpp"
#include "setup/configuration.hpp"

namespace {

using namespace ikev2d::runtime;

int check_configuration(const RuntimeOptions& options) {
  ikev2d::setup::SystemHostAddresses host;
  auto loaded =
      ikev2d::setup::load_configuration(options.paths, host, std::chrono::system_clock::now());
  if (!loaded) {
    std::fprintf(stderr, "ikev2d: %s\n", loaded.error().reason.c_str());
    return 1;
  }
  for (const auto& warning : loaded->warnings) {
    std::fprintf(stderr, "ikev2d: warning: %s\n", warning.c_str());
  }
  std::printf("%s: %zu connection(s), %zu certificate(s): OK\n", options.paths.ipsec_conf.c_str(),
              loaded->connections.size(), loaded->certificates.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> arguments(argv + 1, argv + argc);
  auto options = parse_options(arguments);
  if (!options) {
    std::fprintf(stderr, "ikev2d: %s\n", options.error().reason.c_str());
    return 1;
  }
  if (options->help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  if (options->version) {
    std::printf("ikev2d %.*s\n", static_cast<int>(kVersion.size()), kVersion.data());
    return 0;
  }
  if (options->check_config) return check_configuration(*options);
  // A control client that hangs up must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);

  LogWriter writer(2);
  Logger logger(
      writer, [] { return std::chrono::system_clock::now(); }, options->log_timestamps);
  logger.levels().set_all(options->log_level);
  (void)apply_level_list(options->log_overrides, logger.levels());  // checked by parse_options

  int code;
  {
    Daemon daemon(std::move(*options), logger);
    if (auto started = daemon.start(); !started) {
      writer.flush();
      std::fprintf(stderr, "ikev2d: %s\n", started.error().reason.c_str());
      return 1;
    }
    code = daemon.run();
  }
  writer.flush();
  return code;
}
