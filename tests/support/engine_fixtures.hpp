#pragma once
/// In-memory credentials and an event recorder for engine tests.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ike/sa/credentials.hpp"
#include "ike/sa/events.hpp"

namespace ike::test {

class MemoryCredentials final : public sa::Credentials {
 public:
  /// A PSK used for any pair of identities (like `: PSK "..."` in ipsec.secrets).
  void set_psk(std::string secret) { psk_ = std::move(secret); }
  void set_signer(std::unique_ptr<pki::Signer> signer) { signer_ = std::move(signer); }
  void set_trust_store(pki::TrustStore* trust) { trust_ = trust; }

  std::optional<crypto::SecretBytes> shared_key(const pki::Identity&,
                                                const pki::Identity&) const override {
    if (psk_.empty()) return std::nullopt;
    return crypto::SecretBytes(as_bytes(psk_));
  }
  pki::Signer* signer(const sa::Connection&) const override { return signer_.get(); }
  const pki::TrustStore* trust_store() const override { return trust_; }

 private:
  std::string psk_;
  std::unique_ptr<pki::Signer> signer_;
  pki::TrustStore* trust_ = nullptr;
};

class EventRecorder final : public sa::EventSink {
 public:
  void publish(const sa::Event& event) override { events.push_back(event); }
  std::size_t count(sa::EventKind kind) const;
  /// Every event as "kind: label: message", for failure output.
  std::string dump() const;
  std::vector<sa::Event> events;
};

}  // namespace ike::test
