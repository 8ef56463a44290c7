// AES-GCM-16 against the McGrew-Viega GCM specification test cases 3, 4
// (AES-128) and 15, 16 (AES-256), ChaCha20-Poly1305 against RFC 8439 2.8.2;
// each split the way RFC 5282 / RFC 7634 do: nonce = 4-byte salt (the tail of
// the keying material) || 8-byte explicit IV.

#include "ike/crypto/cipher_aead.hpp"

#include <gtest/gtest.h>

#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using test::hex;
using wire::EncryptionAlgorithm;

struct AeadVector {
  const char* name;
  EncryptionAlgorithm algorithm;
  std::uint16_t key_bits;
  Bytes key;
  Bytes nonce;  // 12 bytes: salt || IV
  Bytes aad;
  Bytes plaintext;
  Bytes ciphertext;
  Bytes tag;
};

const char* const kGcmPlaintext64 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
const char* const kGcmPlaintext60 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const char* const kGcmAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const char* const kGcmKey128 = "feffe9928665731c6d6a8f9467308308";
const char* const kGcmKey256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const char* const kGcmIv = "cafebabefacedbaddecaf888";

std::vector<AeadVector> vectors() {
  return {
      {"GCM test case 3",
       EncryptionAlgorithm::aes_gcm_16,
       128,
       hex(kGcmKey128),
       hex(kGcmIv),
       {},
       hex(kGcmPlaintext64),
       hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
           "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"),
       hex("4d5c2af327cd64a62cf35abd2ba6fab4")},
      {"GCM test case 4", EncryptionAlgorithm::aes_gcm_16, 128, hex(kGcmKey128), hex(kGcmIv),
       hex(kGcmAad), hex(kGcmPlaintext60),
       hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
           "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"),
       hex("5bc94fbc3221a5db94fae95ae7121a47")},
      {"GCM test case 15",
       EncryptionAlgorithm::aes_gcm_16,
       256,
       hex(kGcmKey256),
       hex(kGcmIv),
       {},
       hex(kGcmPlaintext64),
       hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
           "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"),
       hex("b094dac5d93471bdec1a502270e3cc6c")},
      {"GCM test case 16", EncryptionAlgorithm::aes_gcm_16, 256, hex(kGcmKey256), hex(kGcmIv),
       hex(kGcmAad), hex(kGcmPlaintext60),
       hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
           "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"),
       hex("76fc6ece0f4e1768cddf8853bb2d551b")},
      {"RFC 8439 2.8.2", EncryptionAlgorithm::chacha20_poly1305, 0,
       hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"),
       hex("070000004041424344454647"), hex("50515253c0c1c2c3c4c5c6c7"),
       hex("4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
           "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
           "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
           "637265656e20776f756c642062652069742e"),
       hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
           "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
           "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
           "3ff4def08e4b7a9de576d26586cec64b6116"),
       hex("1ae10b594f09e26a7e902ecbd0600691")},
  };
}

/// Keying material as IKE derives it: key || salt, the salt being the first
/// four nonce bytes.
Bytes keying_material(const AeadVector& v) {
  return concat({v.key, ByteView(v.nonce).first(4)});
}
ByteView explicit_iv(const AeadVector& v) {
  return ByteView(v.nonce).subspan(4);
}

AeadCipher make(const CipherAlgorithms& algorithms, const AeadVector& v, ByteView material) {
  auto description = describe_cipher(v.algorithm, v.key_bits);
  EXPECT_TRUE(description);
  auto cipher = AeadCipher::create(algorithms, *description, material);
  EXPECT_TRUE(cipher) << v.name << ": " << cipher.error().reason;
  return std::move(cipher).value();
}

TEST(AeadCipher, PublishedVectorsSealAndOpen) {
  CipherAlgorithms algorithms;
  for (const auto& v : vectors()) {
    AeadCipher cipher = make(algorithms, v, keying_material(v));
    Bytes data = v.plaintext;
    Bytes tag(cipher.tag_size());
    ASSERT_TRUE(cipher.seal(explicit_iv(v), v.aad, data, tag)) << v.name;
    EXPECT_EQ(to_hex(data), to_hex(v.ciphertext)) << v.name;
    EXPECT_EQ(to_hex(tag), to_hex(v.tag)) << v.name;
    ASSERT_TRUE(cipher.open(explicit_iv(v), v.aad, data, v.tag)) << v.name;
    EXPECT_EQ(data, v.plaintext) << v.name;
    // And once more, to show the keyed contexts are reusable.
    ASSERT_TRUE(cipher.seal(explicit_iv(v), v.aad, data, tag)) << v.name;
    EXPECT_EQ(data, v.ciphertext) << v.name;
  }
}

TEST(AeadCipher, TamperedTagAadCiphertextIvOrKeyFailAndWipe) {
  CipherAlgorithms algorithms;
  for (const auto& v : vectors()) {
    AeadCipher cipher = make(algorithms, v, keying_material(v));
    auto expect_refused = [&](ByteView iv, ByteView aad, Bytes data, ByteView tag,
                              const char* what) {
      auto status = cipher.open(iv, aad, data, tag);
      ASSERT_FALSE(status) << v.name << ": " << what;
      EXPECT_EQ(status.error().code, Errc::integrity_check_failed) << v.name << ": " << what;
      // No unauthenticated plaintext survives a failed open.
      EXPECT_EQ(data, Bytes(data.size(), 0)) << v.name << ": " << what;
    };
    Bytes tag = v.tag;
    tag[15] ^= 0x01;
    expect_refused(explicit_iv(v), v.aad, v.ciphertext, tag, "tag");
    Bytes aad = v.aad;
    aad.push_back(0);  // also covers vectors without AAD
    expect_refused(explicit_iv(v), aad, v.ciphertext, v.tag, "aad");
    if (!v.aad.empty()) {
      aad = v.aad;
      aad[0] ^= 0x80;
      expect_refused(explicit_iv(v), aad, v.ciphertext, v.tag, "aad bit");
    }
    Bytes ciphertext = v.ciphertext;
    ciphertext[ciphertext.size() / 2] ^= 0x10;
    expect_refused(explicit_iv(v), v.aad, ciphertext, v.tag, "ciphertext");
    Bytes iv(explicit_iv(v).begin(), explicit_iv(v).end());
    iv[7] ^= 0x01;
    expect_refused(iv, v.aad, v.ciphertext, v.tag, "iv");

    Bytes material = keying_material(v);
    material[0] ^= 0x01;
    AeadCipher wrong_key = make(algorithms, v, material);
    Bytes data = v.ciphertext;
    EXPECT_FALSE(wrong_key.open(explicit_iv(v), v.aad, data, v.tag)) << v.name;
    material = keying_material(v);
    material.back() ^= 0x01;  // the salt is part of the key
    AeadCipher wrong_salt = make(algorithms, v, material);
    data = v.ciphertext;
    EXPECT_FALSE(wrong_salt.open(explicit_iv(v), v.aad, data, v.tag)) << v.name;
  }
}

TEST(AeadCipher, RefusesWrongSizes) {
  CipherAlgorithms algorithms;
  auto gcm = describe_cipher(EncryptionAlgorithm::aes_gcm_16, 256);
  ASSERT_TRUE(gcm);
  auto short_key = AeadCipher::create(algorithms, *gcm, Bytes(32));  // salt missing
  ASSERT_FALSE(short_key);
  EXPECT_EQ(short_key.error().code, Errc::invalid_argument);
  auto cbc = describe_cipher(EncryptionAlgorithm::aes_cbc, 128);
  EXPECT_FALSE(AeadCipher::create(algorithms, *cbc, Bytes(16)));

  auto cipher = AeadCipher::create(algorithms, *gcm, Bytes(36, 7));
  ASSERT_TRUE(cipher);
  Bytes data(10), tag(16), short_tag(12);
  EXPECT_FALSE(cipher->seal(Bytes(12), {}, data, tag));  // a 12-byte IV is not IKE's
  EXPECT_FALSE(cipher->seal(Bytes(8), {}, data, short_tag));
  EXPECT_FALSE(cipher->open(Bytes(8), {}, data, short_tag));
}

TEST(AeadCipher, EmptyPlaintextStillAuthenticatesAad) {
  CipherAlgorithms algorithms;
  auto chacha = describe_cipher(EncryptionAlgorithm::chacha20_poly1305, 0);
  auto cipher = AeadCipher::create(algorithms, *chacha, Bytes(36, 3));
  ASSERT_TRUE(cipher);
  Bytes data, tag(16), aad = hex("0102030405");
  ASSERT_TRUE(cipher->seal(Bytes(8, 1), aad, data, tag));
  EXPECT_TRUE(cipher->open(Bytes(8, 1), aad, data, tag));
  aad[4] ^= 1;
  EXPECT_FALSE(cipher->open(Bytes(8, 1), aad, data, tag));
}

}  // namespace
}  // namespace ike::crypto
