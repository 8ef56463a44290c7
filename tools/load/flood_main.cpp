// ikev2d-flood: a denial-of-service flood of spoofed IKE_SA_INIT requests
// against a responder in a test namespace (README.md in this folder).

#include <iostream>
#include <string_view>
#include <vector>

#include "ike/proposal/defaults.hpp"
#include "ike/proposal/parser.hpp"
#include "load/flood_options.hpp"
#include "load/flood_request.hpp"
#include "load/flood_sender.hpp"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitNothingSent = 1;

}  // namespace

int main(int argc, char** argv) {
  // Before anything else, so a signal during set-up also ends with a report.
  ikev2d::load::block_stop_signals();
  std::vector<std::string_view> arguments(argv + 1, argv + argc);
  auto options = ikev2d::load::parse_flood_options(arguments);
  if (!options) {
    std::cerr << "ikev2d-flood: " << options.error().reason << "\n";
    return kExitUsage;
  }
  if (options->help) {
    std::cout << ikev2d::load::flood_usage();
    return 0;
  }
  ike::proposal::ProposalConfig config;
  if (!options->ike_proposals.empty()) {
    auto parsed =
        ike::proposal::parse_proposals(options->ike_proposals, ike::wire::ProtocolId::ike);
    if (!parsed) {
      std::cerr << "ikev2d-flood: --ike: " << parsed.error().reason << "\n";
      return kExitUsage;
    }
    config = *parsed;
  }
  auto proposals = ike::proposal::proposals_for(config, ike::proposal::DefaultsUse::offer);
  auto request =
      ikev2d::load::FloodRequest::build(proposals, options->responder, options->nonce_size);
  if (!request) {
    std::cerr << "ikev2d-flood: " << request.error().reason << "\n";
    return kExitUsage;
  }
  auto sender = ikev2d::load::FloodSender::open(*options, std::move(*request));
  if (!sender) {
    std::cerr << "ikev2d-flood: " << sender.error().reason << "\n";
    return kExitUsage;
  }
  auto report = (*sender)->run();
  if (options->json) {
    std::cout << ikev2d::load::to_json(report) << std::endl;
  } else {
    std::cout << ikev2d::load::to_text(report);
  }
  return report.sent > 0 ? 0 : kExitNothingSent;
}
