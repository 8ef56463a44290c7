#include "ike/proposal/catalogue.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace ike::proposal {
namespace {

using wire::TransformType;
using R = Requirement;

constexpr auto kEncr = TransformType::encryption;
constexpr auto kInteg = TransformType::integrity;
constexpr auto kPrf = TransformType::prf;
constexpr auto kKe = TransformType::key_exchange;
constexpr auto kEsn = TransformType::esn;

constexpr std::uint16_t id(wire::EncryptionAlgorithm value) {
  return static_cast<std::uint16_t>(value);
}
constexpr std::uint16_t id(wire::IntegrityAlgorithm value) {
  return static_cast<std::uint16_t>(value);
}
constexpr std::uint16_t id(wire::PrfAlgorithm value) {
  return static_cast<std::uint16_t>(value);
}
constexpr std::uint16_t id(wire::KeGroup value) {
  return static_cast<std::uint16_t>(value);
}
constexpr std::uint16_t id(wire::EsnMode value) {
  return static_cast<std::uint16_t>(value);
}

using E = wire::EncryptionAlgorithm;
using I = wire::IntegrityAlgorithm;
using P = wire::PrfAlgorithm;
using G = wire::KeGroup;

// Grades: RFC 8247 3.1 (encryption; AES 192-bit keys stay at MAY, note [1]),
// 3.2 (PRF), 3.3 (integrity), 3.4 (key exchange); RFC 8221 5 (ESP
// encryption), 6 (ESP integrity). Algorithms a table does not list are MAY.
// clang-format off
constexpr std::array kCatalogue = {
    AlgorithmInfo{"aes128", kEncr, id(E::aes_cbc), 128, "AES_CBC_128", R::must, R::must, false},
    AlgorithmInfo{"aes192", kEncr, id(E::aes_cbc), 192, "AES_CBC_192", R::may, R::may, false},
    AlgorithmInfo{"aes256", kEncr, id(E::aes_cbc), 256, "AES_CBC_256", R::must, R::must, false},
    AlgorithmInfo{"aes128gcm16", kEncr, id(E::aes_gcm_16), 128, "AES_GCM_16_128", R::should, R::must, true},
    AlgorithmInfo{"aes192gcm16", kEncr, id(E::aes_gcm_16), 192, "AES_GCM_16_192", R::may, R::may, true},
    AlgorithmInfo{"aes256gcm16", kEncr, id(E::aes_gcm_16), 256, "AES_GCM_16_256", R::should, R::must, true},
    AlgorithmInfo{"aes128gcm12", kEncr, id(E::aes_gcm_12), 128, "AES_GCM_12_128", R::may, R::may, true},
    AlgorithmInfo{"aes192gcm12", kEncr, id(E::aes_gcm_12), 192, "AES_GCM_12_192", R::may, R::may, true},
    AlgorithmInfo{"aes256gcm12", kEncr, id(E::aes_gcm_12), 256, "AES_GCM_12_256", R::may, R::may, true},
    AlgorithmInfo{"aes128gcm8", kEncr, id(E::aes_gcm_8), 128, "AES_GCM_8_128", R::may, R::may, true},
    AlgorithmInfo{"aes192gcm8", kEncr, id(E::aes_gcm_8), 192, "AES_GCM_8_192", R::may, R::may, true},
    AlgorithmInfo{"aes256gcm8", kEncr, id(E::aes_gcm_8), 256, "AES_GCM_8_256", R::may, R::may, true},
    // RFC 7634 2: ChaCha20-Poly1305 has a fixed 256-bit key and no Key Length attribute.
    AlgorithmInfo{"chacha20poly1305", kEncr, id(E::chacha20_poly1305), 0, "CHACHA20_POLY1305", R::should, R::should, true},

    AlgorithmInfo{"sha1", kInteg, id(I::hmac_sha1_96), 0, "HMAC_SHA1_96", R::must_minus, R::must_minus, false},
    AlgorithmInfo{"sha256", kInteg, id(I::hmac_sha2_256_128), 0, "HMAC_SHA2_256_128", R::must, R::must, false},
    AlgorithmInfo{"sha384", kInteg, id(I::hmac_sha2_384_192), 0, "HMAC_SHA2_384_192", R::may, R::may, false},
    AlgorithmInfo{"sha512", kInteg, id(I::hmac_sha2_512_256), 0, "HMAC_SHA2_512_256", R::should, R::should, false},

    AlgorithmInfo{"prfsha1", kPrf, id(P::hmac_sha1), 0, "PRF_HMAC_SHA1", R::must_minus, R::not_graded, false},
    AlgorithmInfo{"prfsha256", kPrf, id(P::hmac_sha2_256), 0, "PRF_HMAC_SHA2_256", R::must, R::not_graded, false},
    AlgorithmInfo{"prfsha384", kPrf, id(P::hmac_sha2_384), 0, "PRF_HMAC_SHA2_384", R::may, R::not_graded, false},
    AlgorithmInfo{"prfsha512", kPrf, id(P::hmac_sha2_512), 0, "PRF_HMAC_SHA2_512", R::should_plus, R::not_graded, false},

    AlgorithmInfo{"modp1024", kKe, id(G::modp1024), 0, "MODP_1024", R::should_not, R::should_not, false},
    AlgorithmInfo{"modp2048", kKe, id(G::modp2048), 0, "MODP_2048", R::must, R::must, false},
    AlgorithmInfo{"modp3072", kKe, id(G::modp3072), 0, "MODP_3072", R::may, R::may, false},
    AlgorithmInfo{"modp4096", kKe, id(G::modp4096), 0, "MODP_4096", R::may, R::may, false},
    AlgorithmInfo{"ecp256", kKe, id(G::ecp256), 0, "ECP_256", R::should, R::should, false},
    AlgorithmInfo{"ecp384", kKe, id(G::ecp384), 0, "ECP_384", R::may, R::may, false},
    AlgorithmInfo{"ecp521", kKe, id(G::ecp521), 0, "ECP_521", R::may, R::may, false},
    AlgorithmInfo{"x25519", kKe, id(G::curve25519), 0, "CURVE_25519", R::should, R::should, false},
    AlgorithmInfo{"x448", kKe, id(G::curve448), 0, "CURVE_448", R::may, R::may, false},

    AlgorithmInfo{"noesn", kEsn, id(wire::EsnMode::no_esn), 0, "NO_EXT_SEQ", R::not_graded, R::not_graded, false},
    AlgorithmInfo{"esn", kEsn, id(wire::EsnMode::esn), 0, "EXT_SEQ", R::not_graded, R::not_graded, false},
};
// clang-format on

struct Alias {
  std::string_view alias;
  std::string_view keyword;
};

// strongSwan's alternative spellings: ICV length in bits instead of octets
// for GCM, "aes" for AES-128-CBC, the sha2_ forms, the curve names of RFC 8031.
constexpr std::array kAliases = {
    Alias{"aes", "aes128"},
    Alias{"aes128gcm128", "aes128gcm16"},
    Alias{"aes192gcm128", "aes192gcm16"},
    Alias{"aes256gcm128", "aes256gcm16"},
    Alias{"aes128gcm96", "aes128gcm12"},
    Alias{"aes192gcm96", "aes192gcm12"},
    Alias{"aes256gcm96", "aes256gcm12"},
    Alias{"aes128gcm64", "aes128gcm8"},
    Alias{"aes192gcm64", "aes192gcm8"},
    Alias{"aes256gcm64", "aes256gcm8"},
    Alias{"sha", "sha1"},
    Alias{"sha2_256", "sha256"},
    Alias{"sha2_384", "sha384"},
    Alias{"sha2_512", "sha512"},
    Alias{"curve25519", "x25519"},
    Alias{"curve448", "x448"},
};

// Keywords of strongSwan's proposal grammar that ikev2d deliberately lacks
// (weak, rarely used, or not implemented by our crypto layer).
constexpr std::string_view kKnownUnsupported[] = {
    "3des",         "des",          "null",         "blowfish",   "blowfish128", "blowfish192",
    "blowfish256",  "cast128",      "twofish",      "serpent",    "camellia",    "camellia128",
    "camellia192",  "camellia256",  "md5",          "md5_128",    "sha1_160",    "sha256_96",
    "aesxcbc",      "aescmac",      "aes128gmac",   "aes192gmac", "aes256gmac",  "prfmd5",
    "prfaesxcbc",   "prfaescmac",   "modp768",      "modp1536",   "modp6144",    "modp8192",
    "modp1024s160", "modp2048s224", "modp2048s256", "ecp192",     "ecp224",      "ecp224bp",
    "ecp256bp",     "ecp384bp",     "ecp512bp",     "modpnone",
};

}  // namespace

std::string_view name(Requirement requirement) noexcept {
  switch (requirement) {
    case Requirement::must_not:
      return "MUST NOT";
    case Requirement::should_not:
      return "SHOULD NOT";
    case Requirement::must_minus:
      return "MUST-";
    case Requirement::may:
      return "MAY";
    case Requirement::should:
      return "SHOULD";
    case Requirement::should_plus:
      return "SHOULD+";
    case Requirement::must:
      return "MUST";
    case Requirement::not_graded:
      return "-";
  }
  return "-";
}

bool AlgorithmInfo::legacy() const noexcept {
  auto weak = [](Requirement r) {
    return r == Requirement::must_not || r == Requirement::should_not ||
           r == Requirement::must_minus;
  };
  bool ike_weak = ike == Requirement::not_graded || weak(ike);
  bool esp_weak = esp == Requirement::not_graded || weak(esp);
  bool graded = ike != Requirement::not_graded || esp != Requirement::not_graded;
  return graded && ike_weak && esp_weak;
}

std::span<const AlgorithmInfo> algorithm_catalogue() noexcept {
  return kCatalogue;
}

const AlgorithmInfo* find_keyword(std::string_view keyword) noexcept {
  for (const auto& alias : kAliases) {
    if (alias.alias == keyword) {
      keyword = alias.keyword;
      break;
    }
  }
  for (const auto& info : kCatalogue) {
    if (info.keyword == keyword) return &info;
  }
  return nullptr;
}

bool is_known_unsupported_keyword(std::string_view keyword) noexcept {
  if (std::find(std::begin(kKnownUnsupported), std::end(kKnownUnsupported), keyword) !=
      std::end(kKnownUnsupported))
    return true;
  // AES in CTR or CCM mode, in any of strongSwan's key/ICV spellings
  // ("aes128ctr", "aes256ccm16", "aes192ccm96", ...).
  if (keyword.starts_with("aes")) {
    return keyword.find("ctr") != std::string_view::npos ||
           keyword.find("ccm") != std::string_view::npos;
  }
  return false;
}

const AlgorithmInfo* find_algorithm(wire::TransformType type, std::uint16_t id,
                                    std::uint16_t key_bits) noexcept {
  for (const auto& info : kCatalogue) {
    if (info.type == type && info.id == id && info.key_bits == key_bits) return &info;
  }
  return nullptr;
}

namespace {

std::string_view without_prefix(std::string_view text, std::string_view prefix) {
  if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  return text;
}

// The IANA name of a transform ikev2d does not support, in strongSwan's
// spelling ("ENCR_AES_CTR" -> "AES_CTR"), or empty when IANA's name is unknown too.
std::string_view registry_name(wire::TransformType type, std::uint16_t id) {
  switch (type) {
    case TransformType::encryption:
      return without_prefix(wire::name(static_cast<wire::EncryptionAlgorithm>(id)), "ENCR_");
    case TransformType::integrity:
      return without_prefix(wire::name(static_cast<wire::IntegrityAlgorithm>(id)), "AUTH_");
    case TransformType::prf:
      return wire::name(static_cast<wire::PrfAlgorithm>(id));
    case TransformType::key_exchange:
      return wire::name(static_cast<wire::KeGroup>(id));
    case TransformType::esn:
      return {};
  }
  return {};
}

}  // namespace

std::string transform_status_name(wire::TransformType type, std::uint16_t id,
                                  std::uint16_t key_bits) {
  if (const auto* info = find_algorithm(type, id, key_bits)) return std::string(info->status_name);
  std::string out(registry_name(type, id));
  if (out.empty()) {
    out = "UNKNOWN_" + std::to_string(static_cast<unsigned>(type)) + "_" +
          std::to_string(static_cast<unsigned>(id));
  }
  if (key_bits != 0) out += "_" + std::to_string(static_cast<unsigned>(key_bits));
  return out;
}

}  // namespace ike::proposal
