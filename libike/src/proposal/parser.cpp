#include "ike/proposal/parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "ike/proposal/catalogue.hpp"

namespace ike::proposal {
namespace {

using wire::ProtocolId;
using wire::TransformType;

constexpr std::string_view kBlanks = " \t";

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A piece of the input with its 0-based offset in the text the user wrote.
struct Span {
  std::string_view text;
  std::size_t offset = 0;
};

Span trim(Span span) {
  auto first = span.text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {{}, span.offset + span.text.size()};
  auto last = span.text.find_last_not_of(kBlanks);
  return {span.text.substr(first, last - first + 1), span.offset + first};
}

std::vector<Span> split(Span span, char separator) {
  std::vector<Span> parts;
  std::size_t start = 0;
  while (true) {
    auto end = span.text.find(separator, start);
    auto piece = span.text.substr(start, end == std::string_view::npos ? end : end - start);
    parts.push_back(trim({piece, span.offset + start}));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string protocol_word(ProtocolId protocol) {
  return protocol == ProtocolId::esp ? "esp" : "ike";
}

// Reports for one proposal: its number in the list, its text and where it starts.
class ProposalContext {
 public:
  ProposalContext(ProtocolId protocol, std::size_t index, Span text)
      : protocol_(protocol), index_(index), text_(text) {}

  std::string prefix() const {
    return protocol_word(protocol_) + " proposal " + std::to_string(index_) + " \"" +
           std::string(text_.text) + "\"";
  }
  Error keyword_error(const std::string& what, std::string_view keyword, std::size_t number,
                      std::size_t offset) const {
    return make_error(Errc::proposal_syntax, prefix() + ": " + what + " \"" + std::string(keyword) +
                                                 "\" (keyword " + std::to_string(number) +
                                                 ", column " + std::to_string(offset + 1) + ")");
  }
  Error proposal_error(const std::string& what) const {
    return make_error(Errc::proposal_syntax,
                      prefix() + " (column " + std::to_string(text_.offset + 1) + "): " + what);
  }
  std::string warning(const std::string& what) const { return prefix() + ": " + what; }
  ProtocolId protocol() const { return protocol_; }

 private:
  ProtocolId protocol_;
  std::size_t index_;
  Span text_;
};

template <class T>
bool add_unique(std::vector<T>& list, T value) {
  if (std::find(list.begin(), list.end(), value) != list.end()) return false;
  list.push_back(value);
  return true;
}

bool add_transform(CryptoProposal& proposal, const AlgorithmInfo& info) {
  switch (info.type) {
    case TransformType::encryption:
      return add_unique(
          proposal.encryption,
          EncryptionTransform{static_cast<wire::EncryptionAlgorithm>(info.id), info.key_bits});
    case TransformType::prf:
      return add_unique(proposal.prf, static_cast<wire::PrfAlgorithm>(info.id));
    case TransformType::integrity:
      return add_unique(proposal.integrity, static_cast<wire::IntegrityAlgorithm>(info.id));
    case TransformType::key_exchange:
      return add_unique(proposal.ke_groups, static_cast<wire::KeGroup>(info.id));
    case TransformType::esn:
      return add_unique(proposal.esn, static_cast<wire::EsnMode>(info.id));
  }
  return false;
}

// The PRF strongSwan derives from an integrity algorithm of the same hash.
std::optional<wire::PrfAlgorithm> implied_prf(wire::IntegrityAlgorithm integrity) {
  using I = wire::IntegrityAlgorithm;
  using P = wire::PrfAlgorithm;
  switch (integrity) {
    case I::hmac_sha1_96:
      return P::hmac_sha1;
    case I::hmac_sha2_256_128:
      return P::hmac_sha2_256;
    case I::hmac_sha2_384_192:
      return P::hmac_sha2_384;
    case I::hmac_sha2_512_256:
      return P::hmac_sha2_512;
    default:
      return std::nullopt;
  }
}

std::vector<wire::PrfAlgorithm> implied_prfs(const std::vector<wire::IntegrityAlgorithm>& list) {
  std::vector<wire::PrfAlgorithm> prfs;
  for (auto integrity : list) {
    if (auto prf = implied_prf(integrity)) add_unique(prfs, *prf);
  }
  return prfs;
}

std::string integrity_keywords(const CryptoProposal& proposal) {
  std::string out;
  for (auto integrity : proposal.integrity) {
    if (!out.empty()) out += ", ";
    const auto* info =
        find_algorithm(TransformType::integrity, static_cast<std::uint16_t>(integrity), 0);
    out += info ? std::string(info->keyword) : std::string(wire::name(integrity));
  }
  return out;
}

// Applies strongSwan's per-protocol rules to a proposal whose keywords were
// all recognised (see the list in parser.hpp).
Status check_and_complete(CryptoProposal& proposal, const ProposalContext& context,
                          std::vector<std::string>& warnings) {
  if (proposal.encryption.empty())
    return context.proposal_error("no encryption algorithm (e.g. aes256gcm16 or aes128)");
  bool any_aead = std::any_of(proposal.encryption.begin(), proposal.encryption.end(),
                              [](const auto& e) { return is_aead(e.id); });
  bool aead = proposal.aead();
  if (any_aead && !aead)
    return context.proposal_error(
        "mixes AEAD and classic encryption algorithms; put them in separate proposals "
        "(RFC 7296 3.3)");
  bool ike = proposal.protocol == ProtocolId::ike;
  if (!aead && proposal.integrity.empty())
    return context.proposal_error("classic encryption needs an integrity algorithm (e.g. sha256)");
  if (ike && !proposal.esn.empty())
    return context.proposal_error("esn/noesn apply to esp proposals only");
  bool prf_implied = ike && proposal.prf.empty();
  if (prf_implied) proposal.prf = implied_prfs(proposal.integrity);
  if (ike && proposal.prf.empty())
    return context.proposal_error(
        "an AEAD ike proposal needs a PRF (e.g. prfsha256 or prfsha384); strongSwan "
        "refuses this proposal too");
  if (aead && !proposal.integrity.empty()) {
    warnings.push_back(
        context.warning("integrity algorithm(s) " + integrity_keywords(proposal) +
                        " ignored: AEAD carries its own integrity" +
                        (prf_implied ? " (they only select the PRF, as in strongSwan)" : "")));
    proposal.integrity.clear();
  }
  if (ike && proposal.ke_groups.empty())
    return context.proposal_error("no key exchange group (e.g. x25519 or ecp256)");
  if (!ike && !proposal.prf.empty()) {
    warnings.push_back(context.warning("PRF keywords ignored: esp proposals have no PRF"));
    proposal.prf.clear();
  }
  if (!ike && proposal.esn.empty()) proposal.esn.push_back(wire::EsnMode::no_esn);
  return {};
}

Result<CryptoProposal> parse_one(Span text, const ProposalContext& context,
                                 std::vector<std::string>& warnings) {
  CryptoProposal proposal;
  proposal.protocol = context.protocol();
  auto keywords = split(text, '-');
  for (std::size_t i = 0; i < keywords.size(); ++i) {
    const auto& keyword = keywords[i];
    if (keyword.text.empty())
      return context.keyword_error("empty keyword", keyword.text, i + 1, keyword.offset);
    auto folded = lower(keyword.text);
    const auto* info = find_keyword(folded);
    if (info == nullptr) {
      if (folded.find('!') != std::string::npos)
        return context.keyword_error("'!' is only allowed at the end of the whole list",
                                     keyword.text, i + 1, keyword.offset);
      return context.keyword_error(is_known_unsupported_keyword(folded)
                                       ? "algorithm not supported by ikev2d"
                                       : "unknown algorithm",
                                   keyword.text, i + 1, keyword.offset);
    }
    if (!add_transform(proposal, *info)) {
      warnings.push_back(context.warning("\"" + std::string(keyword.text) + "\" repeated"));
      continue;
    }
    if (info->legacy()) {
      auto grade = context.protocol() == ProtocolId::ike ? info->ike : info->esp;
      warnings.push_back(context.warning(
          "\"" + std::string(info->keyword) + "\" (" + std::string(info->status_name) +
          ") is a legacy algorithm, " + std::string(name(grade)) + " in RFC " +
          (context.protocol() == ProtocolId::ike ? "8247" : "8221") +
          "; accepted because configured explicitly"));
    }
  }
  auto status = check_and_complete(proposal, context, warnings);
  if (!status) return std::move(status).error();
  return proposal;
}

Status check_protocol(ProtocolId protocol) {
  if (protocol == ProtocolId::ike || protocol == ProtocolId::esp) return {};
  return make_error(Errc::proposal_syntax, "proposals for protocol " + wire::to_string(protocol) +
                                               " are not supported (only IKE and ESP)");
}

template <class Enum>
void append_keywords(std::string& out, TransformType type, const std::vector<Enum>& values) {
  for (auto value : values) {
    auto id = static_cast<std::uint16_t>(value);
    const auto* info = find_algorithm(type, id, 0);
    if (!out.empty()) out += '-';
    out += info ? std::string(info->keyword) : transform_status_name(type, id, 0);
  }
}

}  // namespace

Result<ProposalConfig> parse_proposals(std::string_view text, wire::ProtocolId protocol) {
  if (auto status = check_protocol(protocol); !status) return std::move(status).error();
  ProposalConfig config;
  config.protocol = protocol;
  Span all = trim({text, 0});
  if (all.text.empty())
    return make_error(Errc::proposal_syntax, protocol_word(protocol) + " proposal list is empty");
  if (all.text.back() == '!') {
    config.strict = true;
    all = trim({all.text.substr(0, all.text.size() - 1), all.offset});
    if (all.text.empty())
      return make_error(Errc::proposal_syntax,
                        protocol_word(protocol) + " proposal list has only \"!\"");
  }
  auto pieces = split(all, ',');
  if (pieces.size() > kMaxConfiguredProposals)
    return make_error(Errc::proposal_syntax,
                      protocol_word(protocol) + " proposal list has " +
                          std::to_string(pieces.size()) + " proposals; at most " +
                          std::to_string(kMaxConfiguredProposals) + " are allowed");
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    ProposalContext context(protocol, i + 1, pieces[i]);
    if (pieces[i].text.empty()) return context.proposal_error("empty proposal");
    auto proposal = parse_one(pieces[i], context, config.warnings);
    if (!proposal) return std::move(proposal).error();
    config.proposals.push_back(std::move(proposal).value());
  }
  return config;
}

Result<CryptoProposal> parse_proposal(std::string_view text, wire::ProtocolId protocol) {
  if (auto status = check_protocol(protocol); !status) return std::move(status).error();
  Span span = trim({text, 0});
  ProposalContext context(protocol, 1, span);
  if (span.text.empty()) return context.proposal_error("empty proposal");
  if (span.text.find(',') != std::string_view::npos)
    return context.proposal_error("',' separates proposals; give a single proposal here");
  std::vector<std::string> warnings;
  return parse_one(span, context, warnings);
}

std::string to_string(const CryptoProposal& proposal) {
  std::string out;
  for (const auto& encryption : proposal.encryption) {
    auto id = static_cast<std::uint16_t>(encryption.id);
    const auto* info = find_algorithm(TransformType::encryption, id, encryption.key_bits);
    if (!out.empty()) out += '-';
    out += info ? std::string(info->keyword)
                : transform_status_name(TransformType::encryption, id, encryption.key_bits);
  }
  append_keywords(out, TransformType::integrity, proposal.integrity);
  bool prf_implied =
      !proposal.integrity.empty() && implied_prfs(proposal.integrity) == proposal.prf;
  if (!prf_implied) append_keywords(out, TransformType::prf, proposal.prf);
  append_keywords(out, TransformType::key_exchange, proposal.ke_groups);
  bool default_esn = proposal.esn == std::vector<wire::EsnMode>{wire::EsnMode::no_esn};
  if (!default_esn) append_keywords(out, TransformType::esn, proposal.esn);
  return out;
}

std::string to_string(const ProposalConfig& config) {
  std::string out;
  for (const auto& proposal : config.proposals) {
    if (!out.empty()) out += ',';
    out += to_string(proposal);
  }
  if (config.strict) out += '!';
  return out;
}

}  // namespace ike::proposal
