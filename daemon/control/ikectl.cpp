#include "control/ikectl.hpp"

#include <variant>

#include "control/control_client.hpp"
#include "control/ikectl_arguments.hpp"
#include "control/reply_format.hpp"
#include "control/request_codec.hpp"

namespace ikev2d::control {
namespace {

using json = nlohmann::json;

/// What to print when a listing command found nothing.
std::string_view empty_listing(const Command& command) {
  if (std::holds_alternative<StatusCommand>(command)) return "no IKE SAs\n";
  if (std::holds_alternative<ListConnectionsCommand>(command)) return "no connections\n";
  if (std::holds_alternative<ListCertificatesCommand>(command)) return "no certificates\n";
  return "";
}

/// Prints reply lines as text as they arrive; counts the records.
class HumanPrinter {
 public:
  explicit HumanPrinter(std::ostream& out) : out_(out) {}

  void print(const json& line) {
    const auto& type = line["type"];
    if (type == "result") return;  // printed once the reply is known to be ok
    bool block = type == "connection" || type == "certificate";
    if (block || type == "ike_sa") ++records_;
    // Key-value blocks read better apart; status lines carry their SA already.
    if (block && records_ > 1) out_ << '\n';
    out_ << format_reply_line(line);
  }

  std::size_t records() const { return records_; }

 private:
  std::ostream& out_;
  std::size_t records_ = 0;
};

int run_command_line(const IkectlInvocation& invocation, std::ostream& out, std::ostream& err) {
  auto client = ControlClient::connect(invocation.socket_path);
  if (!client) {
    err << "ikectl: " << client.error().reason << '\n';
    return kIkectlFailed;
  }
  std::string words = describe_command(invocation.command);
  if (auto sent = client->send(invocation.command); !sent) {
    err << "ikectl: " << words << ": " << sent.error().reason << '\n';
    return kIkectlFailed;
  }
  HumanPrinter printer(out);
  auto result = client->read_reply([&](const std::string& text, const json& line) {
    if (invocation.json) {
      out << text << '\n';
    } else {
      printer.print(line);
    }
    // Lines show up as they come, without a write per line when they pour in.
    if (!client->line_buffered()) out.flush();
  });
  if (!result) {
    err << "ikectl: " << words << ": " << result.error().reason << '\n';
    return kIkectlFailed;
  }
  if (!(*result)["ok"].get<bool>()) {
    auto error = result->find("error");
    std::string reason =
        error != result->end() && error->is_string() ? error->get<std::string>() : "failed";
    err << "ikectl: " << words << ": " << terminal_safe(reason) << '\n';
    return kIkectlFailed;
  }
  if (!invocation.json) {
    if (printer.records() == 0) out << empty_listing(invocation.command);
    out << format_result(*result) << std::flush;
  }
  return kIkectlOk;
}

}  // namespace

int run_ikectl(std::span<const std::string> arguments, std::ostream& out, std::ostream& err,
               std::string_view version) {
  auto invocation = parse_ikectl_arguments(arguments);
  if (!invocation) {
    err << "ikectl: " << invocation.error().reason << "\n"
        << "Try 'ikectl --help' for more information.\n";
    return kIkectlUsage;
  }
  switch (invocation->action) {
    case IkectlInvocation::Action::help:
      out << kIkectlHelp;
      return kIkectlOk;
    case IkectlInvocation::Action::version:
      out << "ikectl (ikev2d) " << version << '\n';
      return kIkectlOk;
    case IkectlInvocation::Action::run:
      break;
  }
  return run_command_line(*invocation, out, err);
}

}  // namespace ikev2d::control
