// ikev2d-load: initiates IKE SAs against a responder and reports what
// happened (README.md in this folder).

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <thread>
#include <vector>

#include "load/load_driver.hpp"
#include "load/load_options.hpp"
#include "load/load_setup.hpp"
#include "load/load_threads.hpp"
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
  // One engine, one set of sockets and one set of credentials per worker:
  // the workers share nothing while they run.
  auto shares =
      ikev2d::load::split_load(ikev2d::load::driver_settings(*options),
                               ikev2d::load::source_endpoints(*options), options->threads);
  std::vector<std::unique_ptr<ikev2d::load::LoadDriver>> drivers;
  std::vector<std::unique_ptr<ikev2d::load::UdpRunner>> runners;
  for (auto& share : shares) {
    auto setup = ikev2d::load::prepare_load(*options);
    if (!setup) {
      std::cerr << "ikev2d-load: " << setup.error().reason << "\n";
      return kExitUsage;
    }
    auto connections = setup->connections->with_sources(std::move(share.sources));
    drivers.push_back(std::make_unique<ikev2d::load::LoadDriver>(
        share.settings, connections, setup->credentials, ike::sa::EngineSettings{},
        [] { return std::chrono::steady_clock::now(); }));
    auto runner = ikev2d::load::UdpRunner::open(connections->sources(), *drivers.back());
    if (!runner) {
      std::cerr << "ikev2d-load: " << runner.error().reason << "\n";
      return kExitUsage;
    }
    runners.push_back(std::move(*runner));
  }
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 1; i < runners.size(); ++i)
      workers.emplace_back([&runner = *runners[i]] { runner.run(); });
    runners.front()->run();
  }
  std::vector<const ikev2d::load::LoadDriver*> parts;
  std::uint64_t send_errors = 0;
  for (std::size_t i = 0; i < drivers.size(); ++i) {
    parts.push_back(drivers[i].get());
    send_errors += runners[i]->send_errors();
  }
  auto report = ikev2d::load::combine_reports(parts);
  report.tool_cpu_seconds = cpu_seconds_used();
  if (options->json) {
    std::cout << ikev2d::load::to_json(report) << std::endl;
  } else {
    std::cout << ikev2d::load::to_text(report);
    if (send_errors) std::cout << "datagrams not sent: " << send_errors << "\n";
  }
  return complete(report, *options) ? 0 : kExitIncomplete;
}
