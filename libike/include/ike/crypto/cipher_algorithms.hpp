#pragma once
/// The OpenSSL algorithm objects behind SK payload protection, fetched once
/// (EVP_CIPHER_fetch / EVP_MAC_fetch) when this object is built and reused by
/// every key created from it. Build one per process (or per worker shard) and
/// pass it by reference to the `create` functions of the keyed ciphers; keyed
/// ciphers hold their own references, so they may outlive it.

#include <memory>

#include "ike/crypto/cipher_description.hpp"
#include "ike/error.hpp"

namespace ike::crypto {

class CipherAlgorithms {
 public:
  /// Fetches from OpenSSL's default library context. An algorithm the loaded
  /// providers lack (e.g. ChaCha20 under a FIPS-only configuration) is not an
  /// error here; keys for it then fail with unsupported_algorithm.
  CipherAlgorithms();
  ~CipherAlgorithms();
  CipherAlgorithms(CipherAlgorithms&&) noexcept;
  CipherAlgorithms& operator=(CipherAlgorithms&&) noexcept;
  CipherAlgorithms(const CipherAlgorithms&) = delete;
  CipherAlgorithms& operator=(const CipherAlgorithms&) = delete;

  /// Whether the providers offer what `suite` needs.
  bool supports(const SuiteDescription& suite) const noexcept;

  /// The fetched objects; defined in the component's private header.
  struct Fetched;
  const Fetched& fetched() const noexcept { return *fetched_; }

 private:
  std::unique_ptr<Fetched> fetched_;
};

}  // namespace ike::crypto
