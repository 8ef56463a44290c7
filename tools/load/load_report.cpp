#include "load/load_report.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace ikev2d::load {

namespace {

std::string number(double value, int decimals = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void outcome_lines(std::string& out, const char* what, const Outcomes& outcomes,
                   const char* succeeded_word) {
  out += std::string(what) + ": " + std::to_string(outcomes.succeeded) + " " + succeeded_word +
         ", " + std::to_string(outcomes.failed) + " failed (of " +
         std::to_string(outcomes.attempted) + ")\n";
  if (auto ended = outcomes.succeeded + outcomes.failed; outcomes.attempted > ended) {
    out += "  " + std::to_string(outcomes.attempted - ended) + " unfinished\n";
  }
  for (const auto& [reason, count] : outcomes.failures) {
    out += "  " + std::to_string(count) + " x " + reason + "\n";
  }
}

std::string latency_line(const char* what, const LatencySummary& latency) {
  if (latency.count == 0) return std::string(what) + ": no samples\n";
  return std::string(what) + ": p50 " + number(latency.p50_ms, 2) + " ms, p99 " +
         number(latency.p99_ms, 2) + " ms, max " + number(latency.max_ms, 2) + " ms (" +
         std::to_string(latency.count) + " samples)\n";
}

nlohmann::json outcome_json(const Outcomes& outcomes) {
  nlohmann::json failures = nlohmann::json::object();
  for (const auto& [reason, count] : outcomes.failures)
    failures[reason] = count;
  return {{"attempted", outcomes.attempted},
          {"succeeded", outcomes.succeeded},
          {"failed", outcomes.failed},
          {"failures", failures}};
}

nlohmann::json latency_json(const LatencySummary& latency) {
  return {{"samples", latency.count},
          {"p50_ms", latency.p50_ms},
          {"p99_ms", latency.p99_ms},
          {"max_ms", latency.max_ms}};
}

}  // namespace

std::string to_text(const LoadReport& report) {
  std::string out;
  if (report.interrupted) out += "interrupted: the numbers cover the run until then\n";
  outcome_lines(out, "IKE SAs", report.ike, "established");
  outcome_lines(out, "CHILD SAs", report.child, "established");
  if (report.ike_lost) {
    out += "IKE SAs lost (went down unasked): " + std::to_string(report.ike_lost) + "\n";
  }
  out += "handshakes/s: " + number(report.handshakes_per_second) + " (" +
         std::to_string(report.ike.succeeded) + " in " + number(report.establish_seconds, 3) +
         " s)\n";
  if (report.cookies_received) {
    out +=
        "COOKIE answers (responder asked for cookies): " + std::to_string(report.cookies_received) +
        "\n";
  }
  out += latency_line("latency to IKE SA up", report.ike_latency);
  out += latency_line("latency to CHILD SA up", report.child_latency);
  if (report.rekey.attempted) {
    outcome_lines(out, "IKE rekeys", report.rekey, "done");
    out += "  in " + number(report.rekey_seconds, 3) + " s\n";
  }
  if (report.down.attempted) {
    outcome_lines(out, "IKE deletes", report.down, "done");
    out += "  in " + number(report.down_seconds, 3) + " s\n";
  }
  out += "wall time: " + number(report.wall_seconds, 3) + " s (ikev2d-load used " +
         number(report.tool_cpu_seconds, 3) + " s CPU)\n";
  return out;
}

std::string to_json(const LoadReport& report) {
  nlohmann::json json{{"requested", report.requested},
                      {"ike", outcome_json(report.ike)},
                      {"child", outcome_json(report.child)},
                      {"established", report.ike.succeeded},
                      {"failed", report.ike.failed},
                      {"ike_lost", report.ike_lost},
                      {"handshakes_per_second", report.handshakes_per_second},
                      {"establish_seconds", report.establish_seconds},
                      {"ike_latency", latency_json(report.ike_latency)},
                      {"child_latency", latency_json(report.child_latency)},
                      {"rekey", outcome_json(report.rekey)},
                      {"rekey_seconds", report.rekey_seconds},
                      {"down", outcome_json(report.down)},
                      {"down_seconds", report.down_seconds},
                      {"wall_seconds", report.wall_seconds},
                      {"tool_cpu_seconds", report.tool_cpu_seconds},
                      {"cookies_received", report.cookies_received},
                      {"interrupted", report.interrupted}};
  return json.dump();
}

}  // namespace ikev2d::load
