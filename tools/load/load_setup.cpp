#include "load/load_setup.hpp"

#include <charconv>

#include "ike/proposal/defaults.hpp"
#include "ike/proposal/parser.hpp"
#include "ike/ts/subnet_syntax.hpp"

namespace ikev2d::load {

using ike::Errc;
using ike::make_error;

namespace {

constexpr std::string_view kNamePrefix = "load-";

ike::Result<std::vector<ike::proposal::CryptoProposal>> proposals(std::string_view option,
                                                                  const std::string& text,
                                                                  ike::wire::ProtocolId protocol) {
  ike::proposal::ProposalConfig config;
  config.protocol = protocol;
  if (!text.empty()) {
    auto parsed = ike::proposal::parse_proposals(text, protocol);
    if (!parsed) return option_error(option, parsed.error().reason);
    config = std::move(*parsed);
  }
  return ike::proposal::proposals_for(config, ike::proposal::DefaultsUse::offer);
}

ike::Result<std::vector<ike::ts::SelectorTemplate>> selectors(std::string_view option,
                                                              const std::string& text) {
  if (text.empty()) return ike::ts::default_side_selectors();
  auto parsed = ike::ts::parse_subnet_list(text);
  if (!parsed) return option_error(option, parsed.error().reason);
  return std::move(*parsed);
}

ike::Status load_certificates(const LoadOptions& options, LoadCredentials& credentials,
                              ike::sa::Connection& prototype) {
  auto certificate = ike::pki::load_certificate_file(options.cert_file);
  if (!certificate) return option_error("--cert", certificate.error().reason);
  auto key = ike::pki::load_private_key_file(options.key_file);
  if (!key) return option_error("--key", key.error().reason);
  if (!key->matches(**certificate)) {
    return option_error("--key", options.key_file + " is not the key of " + options.cert_file);
  }
  credentials.signer_for_all = std::make_unique<ike::pki::InProcessSigner>(std::move(*key));
  credentials.trust = std::make_unique<ike::pki::TrustStore>();
  for (const auto& file : options.ca_files) {
    auto ca = ike::pki::load_certificate_file(file);
    if (!ca) return option_error("--ca", ca.error().reason);
    if (auto added = credentials.trust->add_ca(*ca); !added) {
      return option_error("--ca", file + ": " + added.error().reason);
    }
  }
  prototype.local_auth = ike::sa::AuthClass::pubkey;
  prototype.remote_auth = ike::sa::AuthClass::pubkey;
  prototype.local_certificates = {*certificate};
  prototype.send_certificate = ike::sa::SendCert::always;
  if (options.local_id.empty()) {
    prototype.local_id = ike::pki::Identity::dn((*certificate)->subject_der());
  }
  return {};
}

}  // namespace

ConnectionFactory::ConnectionFactory(ike::sa::Connection prototype,
                                     std::vector<ike::sa::Endpoint> sources, bool fixed_local_id)
    : prototype_(std::move(prototype)),
      sources_(std::move(sources)),
      fixed_local_id_(fixed_local_id) {}

std::string ConnectionFactory::name_of(std::size_t index) {
  return std::string(kNamePrefix) + std::to_string(index);
}

std::optional<std::size_t> ConnectionFactory::index_of(std::string_view name) {
  if (!name.starts_with(kNamePrefix)) return std::nullopt;
  auto digits = name.substr(kNamePrefix.size());
  std::size_t index = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return index;
}

ike::sa::ConnectionPtr ConnectionFactory::make(std::size_t index) const {
  auto connection = std::make_shared<ike::sa::Connection>(prototype_);
  const auto& source = sources_[index % sources_.size()];
  connection->name = name_of(index);
  connection->local_address = source.address;
  connection->local_port = source.port;
  if (!fixed_local_id_) {
    connection->local_id = ike::pki::Identity{
        source.address.is_v4() ? ike::wire::IdType::ipv4_addr : ike::wire::IdType::ipv6_addr,
        source.address.to_bytes()};
  }
  connection->children.front().name = connection->name;
  return connection;
}

ike::Result<LoadSetup> prepare_load(const LoadOptions& options) {
  auto credentials = std::make_shared<LoadCredentials>();
  ike::sa::Connection prototype;
  prototype.remote_address = options.responder.address;
  prototype.remote_port = options.responder.port;
  // One attempt: a refusal is one `failed` event, counted once; the tool
  // measures the responder, it does not insist.
  prototype.keying_tries = 1;
  // No liveness checks during a hold: they would only add load the run
  // did not ask for.
  prototype.dpd_delay = ike::Duration::zero();
  // Workers (--threads) initiate as the same identities from engines that
  // know nothing of each other's IKE SAs: each one's first INITIAL_CONTACT
  // would make the responder drop what the others had established.
  prototype.initial_contact = options.threads <= 1;
  bool fixed_local_id = !options.local_id.empty();
  if (fixed_local_id) {
    auto id = ike::pki::Identity::parse(options.local_id);
    if (!id) return option_error("--local-id", id.error().reason);
    prototype.local_id = std::move(*id);
  }
  if (!options.remote_id.empty()) {
    auto id = ike::pki::Identity::parse(options.remote_id);
    if (!id) return option_error("--remote-id", id.error().reason);
    prototype.remote_id = std::move(*id);
  }
  if (options.auth == AuthMode::certificate) {
    if (auto loaded = load_certificates(options, *credentials, prototype); !loaded) {
      return std::move(loaded).error();
    }
    fixed_local_id = true;
  } else {
    credentials->psk = ike::crypto::SecretBytes(ike::as_bytes(options.psk));
  }
  auto ike_proposals = proposals("--ike", options.ike_proposals, ike::wire::ProtocolId::ike);
  if (!ike_proposals) return std::move(ike_proposals).error();
  prototype.ike_proposals = std::move(*ike_proposals);

  ike::sa::ChildConfig child;
  auto esp_proposals = proposals("--esp", options.esp_proposals, ike::wire::ProtocolId::esp);
  if (!esp_proposals) return std::move(esp_proposals).error();
  child.esp_proposals = std::move(*esp_proposals);
  auto local_ts = selectors("--local-ts", options.local_ts);
  if (!local_ts) return std::move(local_ts).error();
  child.local_ts = std::move(*local_ts);
  auto remote_ts = selectors("--remote-ts", options.remote_ts);
  if (!remote_ts) return std::move(remote_ts).error();
  child.remote_ts = std::move(*remote_ts);
  // The null kernel installs nothing; and CHILD SAs from several ports of
  // one address have the same selectors, which one policy table (the
  // engine's) would refuse for all but the first.
  child.install_policy = false;
  prototype.children.push_back(std::move(child));

  LoadSetup setup;
  setup.credentials = std::move(credentials);
  setup.connections = std::make_shared<ConnectionFactory>(
      std::move(prototype), source_endpoints(options), fixed_local_id);
  return setup;
}

}  // namespace ikev2d::load
