// ikev2d-load: initiates IKE SAs against a responder and reports what
// happened (README.md in this folder).

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

#include "load/load_driver.hpp"
#include "load/load_options.hpp"
#include "load/load_setup.hpp"
#include "load/udp_runner.hpp"

namespace {

constexpr int kExitIncomplete = 1;
constexpr int kExitUsage = 2;

double cpu_seconds_used() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

bool complete(const ikev2d::load::LoadReport& report, const ikev2d::load::LoadOptions& options) {
  if (report.interrupted || report.ike.succeeded != report.requested || report.ike.failed != 0) {
    return false;
  }
  if (options.rekey && (report.rekey.failed != 0 || report.rekey.succeeded != report.ike.succeeded))
    return false;
  if (options.down && report.down.failed != 0) return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> arguments(argv + 1, argv + argc);
  auto options = ikev2d::load::parse_load_options(arguments);
  if (!options) {
    std::cerr << "ikev2d-load: " << options.error().reason << "\n";
    return kExitUsage;
  }
  if (options->help) {
    std::cout << ikev2d::load::usage();
    return 0;
  }
  auto setup = ikev2d::load::prepare_load(*options);
  if (!setup) {
    std::cerr << "ikev2d-load: " << setup.error().reason << "\n";
    return kExitUsage;
  }
  ikev2d::load::LoadDriver driver(ikev2d::load::driver_settings(*options), setup->connections,
                                  setup->credentials, {},
                                  [] { return std::chrono::steady_clock::now(); });
  auto runner = ikev2d::load::UdpRunner::open(setup->connections->sources(), driver);
  if (!runner) {
    std::cerr << "ikev2d-load: " << runner.error().reason << "\n";
    return kExitUsage;
  }
  (*runner)->run();
  auto report = driver.report();
  report.tool_cpu_seconds = cpu_seconds_used();
  if (options->json) {
    std::cout << ikev2d::load::to_json(report) << std::endl;
  } else {
    std::cout << ikev2d::load::to_text(report);
    if ((*runner)->send_errors()) {
      std::cout << "datagrams not sent: " << (*runner)->send_errors() << "\n";
    }
  }
  return complete(report, *options) ? 0 : kExitIncomplete;
}
