#pragma once
/// Keys of an IKE SA and of its CHILD SAs (RFC 7296 2.14, 2.17, 2.18).

#include <cstddef>
#include <cstdint>

#include "ike/bytes.hpp"
#include "ike/crypto/prf.hpp"
#include "ike/crypto/secret_bytes.hpp"
#include "ike/error.hpp"

namespace ike::crypto {

/// Sizes of the seven IKE SA keys, in octets.
struct IkeKeySizes {
  /// SK_d, SK_pi and SK_pr: the PRF's preferred key size (RFC 7296 2.14).
  std::size_t prf_key = 0;
  /// SK_ai and SK_ar: the integrity transform's key size; 0 with an AEAD cipher.
  std::size_t integrity_key = 0;
  /// SK_ei and SK_er: the cipher's key size including the salt of an AEAD
  /// cipher (e.g. 32 + 4 for AES-GCM-256, RFC 5282 7.1).
  std::size_t encryption_key = 0;

  std::size_t total() const noexcept {
    return 3 * prf_key + 2 * integrity_key + 2 * encryption_key;
  }
};

/// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}; SK_ai and SK_ar are
/// empty with an AEAD cipher.
struct IkeSaKeys {
  SecretBytes sk_d;
  SecretBytes sk_ai;
  SecretBytes sk_ar;
  SecretBytes sk_ei;
  SecretBytes sk_er;
  SecretBytes sk_pi;
  SecretBytes sk_pr;
};

/// SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 2.14). The whole nonce
/// concatenation is the key: the AES-XCBC/CMAC exception of 2.14 does not
/// apply to the HMAC PRFs `Prf` supports. `shared_secret` is g^ir as
/// `KeyExchange::shared_secret` returns it (padded to the group's size).
Result<SecretBytes> compute_skeyseed(const Prf& prf, ByteView nonce_i, ByteView nonce_r,
                                     ByteView shared_secret);

/// SKEYSEED of an IKE SA rekeyed with CREATE_CHILD_SA (RFC 7296 2.18):
/// prf(SK_d (old), g^ir (new) | Ni | Nr), where `old_prf` is the PRF of the
/// IKE SA being rekeyed (the exchange belongs to it) and the nonces are those
/// of the CREATE_CHILD_SA exchange. Continue with `derive_ike_sa_keys` using
/// the new IKE SA's PRF and SPIs.
Result<SecretBytes> compute_rekeyed_skeyseed(const Prf& old_prf, ByteView old_sk_d,
                                             ByteView new_shared_secret, ByteView nonce_i,
                                             ByteView nonce_r);

/// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
///   = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)    (RFC 7296 2.14)
/// with the SPIs in network byte order. Fails with invalid_argument when
/// `sizes.prf_key` or `sizes.encryption_key` is 0 or the total exceeds prf+'s
/// 255 blocks.
Result<IkeSaKeys> derive_ike_sa_keys(const Prf& prf, ByteView skeyseed, ByteView nonce_i,
                                     ByteView nonce_r, std::uint64_t spi_i, std::uint64_t spi_r,
                                     const IkeKeySizes& sizes);

/// Key sizes of one CHILD SA direction, in octets.
struct ChildKeySizes {
  /// ESP encryption key including an AEAD salt (e.g. 16 + 4 for AES-GCM-128,
  /// RFC 4106 8.1); 0 for ENCR_NULL.
  std::size_t encryption_key = 0;
  /// ESP/AH integrity key; 0 with an AEAD cipher.
  std::size_t integrity_key = 0;
};

/// The keys of a CHILD SA pair: initiator-to-responder first, encryption
/// before integrity (RFC 7296 2.17, RFC 4301 for the order within an SA).
/// Integrity keys are empty with an AEAD cipher.
struct ChildSaKeys {
  SecretBytes encryption_i;  ///< protects traffic from initiator to responder
  SecretBytes integrity_i;
  SecretBytes encryption_r;  ///< protects traffic from responder to initiator
  SecretBytes integrity_r;
};

/// KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) split into `ChildSaKeys`
/// (RFC 7296 2.17). The nonces are those of IKE_SA_INIT for the CHILD SA of
/// IKE_AUTH, else those of the CREATE_CHILD_SA exchange; `new_shared_secret`
/// is empty unless that exchange ran its own key exchange (PFS).
Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, ByteView sk_d, ByteView nonce_i,
                                         ByteView nonce_r, const ChildKeySizes& sizes,
                                         ByteView new_shared_secret = {});

}  // namespace ike::crypto
