#pragma once
/// The one owner of an IKE engine (DESIGN.md "Scale"): the loop reaches the
/// engine only through a Shard, so issue 6 can run one Shard per worker
/// thread, each with its own engine, random source and SPI tag, and route a
/// datagram to its shard by the SPI tag (EngineSettings::shard).
///
/// Credentials change on reload while the engine keeps a reference to one
/// Credentials object for its whole life; the shard hands it a forwarder
/// whose target is swapped between inputs, never during one.

#include <memory>

#include "ike/random.hpp"
#include "ike/sa/credentials.hpp"
#include "ike/sa/engine.hpp"

namespace ikev2d::runtime {

/// Credentials that forward to a replaceable set.
class SwappableCredentials final : public ike::sa::Credentials {
 public:
  explicit SwappableCredentials(std::shared_ptr<const ike::sa::Credentials> current)
      : current_(std::move(current)) {}
  void replace(std::shared_ptr<const ike::sa::Credentials> next) {
    // The previous set stays alive until the next swap: a Signer or trust
    // store pointer handed out during the last input must not dangle.
    previous_ = std::move(current_);
    current_ = std::move(next);
  }
  std::optional<ike::crypto::SecretBytes> shared_key(
      const ike::pki::Identity& local, const ike::pki::Identity& remote) const override {
    return current_ ? current_->shared_key(local, remote) : std::nullopt;
  }
  ike::pki::Signer* signer(const ike::sa::Connection& connection) const override {
    return current_ ? current_->signer(connection) : nullptr;
  }
  const ike::pki::TrustStore* trust_store() const override {
    return current_ ? current_->trust_store() : nullptr;
  }

 private:
  std::shared_ptr<const ike::sa::Credentials> current_;
  std::shared_ptr<const ike::sa::Credentials> previous_;
};

class Shard {
 public:
  Shard(ike::sa::EngineSettings settings, ike::sa::Kernel& kernel, ike::sa::EventSink& events,
        std::shared_ptr<const ike::sa::Credentials> credentials)
      : credentials_(std::move(credentials)),
        engine_(settings, random_, kernel, events, credentials_) {}
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  ike::sa::Engine& engine() noexcept { return engine_; }
  const ike::sa::Engine& engine() const noexcept { return engine_; }
  void replace_credentials(std::shared_ptr<const ike::sa::Credentials> credentials) {
    credentials_.replace(std::move(credentials));
  }
  /// Before every input: the engine checks certificate validity against this.
  void set_wall_time(ike::WallTime now) noexcept { engine_.set_wall_time(now); }

 private:
  ike::SystemRandom random_;
  SwappableCredentials credentials_;
  ike::sa::Engine engine_;
};

}  // namespace ikev2d::runtime
