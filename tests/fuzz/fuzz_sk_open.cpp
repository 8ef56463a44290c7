// Fuzzes SK/SKF protection with fixed keys. The first input byte picks a
// mode and a suite, the rest is the data:
//   mode 0: the data is a received datagram: open() as SK, open_fragment()
//           and a reassembler as SKF; nothing may crash, and what opens must
//           decode as a payload chain or fail cleanly;
//   mode 1: the data is an inner chain: seal() then open() must give it back,
//           and seal_fragments() then reassembly must too;
//   mode 2: the data is a plaintext with its own padding and Pad Length,
//           sealed with a valid ICV by hand, so open() reaches the Pad Length
//           checks that forged ICVs never reach.
// Suites 0 and 1 use the SK_ei/SK_ai of the strongSwan vectors, so the
// captured IKE_AUTH requests in the seed corpus open for real.

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/cipher_authenticated.hpp"
#include "ike/wire/message.hpp"
#include "ike/wire/protection/fragmentation.hpp"
#include "ike/wire/protection/sk_protection.hpp"
#include "ike/wire/writer.hpp"
#include "support/test_random.hpp"

namespace {

using namespace ike;
using namespace ike::wire;

struct FuzzSuite {
  crypto::SuiteDescription suite;
  Bytes sk_e;
  Bytes sk_a;
  SkProtection protection;
  crypto::AuthenticatedCipher cipher;
};

FuzzSuite make_suite(const crypto::CipherAlgorithms& algorithms, EncryptionAlgorithm algorithm,
                     std::uint16_t key_bits, IntegrityAlgorithm integrity, const char* sk_e,
                     const char* sk_a) {
  auto suite = crypto::describe_suite(algorithm, key_bits, integrity);
  if (!suite) std::abort();
  Bytes e = test::hex(sk_e), a = test::hex(sk_a);
  auto protection = SkProtection::create(algorithms, *suite, e, a);
  auto cipher = crypto::AuthenticatedCipher::create(algorithms, *suite, e, a);
  if (!protection || !cipher) std::abort();
  return FuzzSuite{*suite, e, a, std::move(*protection), std::move(*cipher)};
}

std::vector<FuzzSuite>& suites() {
  static crypto::CipherAlgorithms algorithms;
  static std::vector<FuzzSuite> all = [] {
    std::vector<FuzzSuite> out;
    // psk-full-chain-aes256gcm16-prfsha384-x25519: SK_ei.
    out.push_back(
        make_suite(algorithms, EncryptionAlgorithm::aes_gcm_16, 256, IntegrityAlgorithm::none,
                   "da171fad21cf0bc198be9506b88a21d643636e8e0bb84e29e97fe44f274c87f6424c1702", ""));
    // psk-aes128-sha256-ecp256: Sk_ei and Sk_ai.
    out.push_back(make_suite(algorithms, EncryptionAlgorithm::aes_cbc, 128,
                             IntegrityAlgorithm::hmac_sha2_256_128,
                             "092ae7d3949f63091f6a27c22a967725",
                             "1785ec352f5922a82f874800e79a844188"
                             "66b7e3a0785f96c1643374f521503f"));
    out.push_back(
        make_suite(algorithms, EncryptionAlgorithm::chacha20_poly1305, 0, IntegrityAlgorithm::none,
                   "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223", ""));
    out.push_back(make_suite(algorithms, EncryptionAlgorithm::aes_cbc, 256,
                             IntegrityAlgorithm::hmac_sha2_512_256,
                             "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                             "0001020304050607080910111213141516171819202122232425262728293031"
                             "3233343536373839404142434445464748495051525354555657585960616263"));
    return out;
  }();
  return all;
}

void check(bool condition) {
  if (!condition) std::abort();
}

/// An opened chain must decode or fail with an Error; both are fine.
void decode_inner(PayloadType first, ByteView chain) {
  auto payloads = decode_payload_chain(first, chain);
  if (payloads) check(payloads->size() <= chain.size() / 4 + 1);
}

IkeHeader fuzz_header(std::uint32_t message_id) {
  IkeHeader header;
  header.spi_initiator = 0x1122334455667788ULL;
  header.spi_responder = 0x99aabbccddeeff00ULL;
  header.exchange = ExchangeType::ike_auth;
  header.flags = IkeHeader::kFlagInitiator;
  header.message_id = message_id;
  return header;
}

void open_received(FuzzSuite& s, ByteView data) {
  if (auto opened = s.protection.open(data)) decode_inner(opened->first_inner, opened->inner_chain);
  if (auto fragment = s.protection.open_fragment(data)) check(fragment->number <= fragment->total);
  (void)peek_fragment(data);
  FragmentReassembler reassembler(1, ReassemblyLimits{8, 4096});
  (void)reassembler.accept(data, s.protection);
}

void seal_round_trip(FuzzSuite& s, std::uint8_t control, ByteView inner) {
  test::SeededRandom random(control);
  auto first = static_cast<PayloadType>(control);
  auto sealed = s.protection.seal(fuzz_header(3), first, inner, random);
  if (!sealed) {
    check(s.protection.sealed_size(inner.size()) - IkeHeader::kSize > 0xffff);
    return;
  }
  check(sealed->size() == s.protection.sealed_size(inner.size()));
  auto opened = s.protection.open(*sealed);
  check(opened.ok());
  check(opened->first_inner == first);
  check(Bytes(inner.begin(), inner.end()) == opened->inner_chain);
  decode_inner(opened->first_inner, opened->inner_chain);

  const std::size_t max_size = 120 + control;
  auto fragments = s.protection.seal_fragments(fuzz_header(4), first, inner, max_size, random);
  check(fragments.ok());
  FragmentReassembler reassembler(4, ReassemblyLimits{0xffff, 1 << 20});
  std::optional<ReassembledMessage> message;
  // Deliver back to front so reassembly out of order is exercised too.
  for (auto it = fragments->rbegin(); it != fragments->rend(); ++it) {
    check(it->size() <= max_size);
    auto result = reassembler.accept(*it, s.protection);
    check(result.ok());
    if (result->message) message = std::move(result->message);
  }
  check(message.has_value());
  check(message->first_inner == first);
  check(Bytes(inner.begin(), inner.end()) == message->inner_chain);
}

void open_forged_plaintext(FuzzSuite& s, ByteView plaintext) {
  const std::size_t block = s.suite.block_size();
  if (plaintext.empty() || plaintext.size() % block != 0 || plaintext.size() > 60000) return;
  Bytes message;
  Writer writer(message);
  IkeHeader header = fuzz_header(5);
  header.next_payload = PayloadType::encrypted;
  const std::size_t payload_length = 4 + s.suite.iv_size() + plaintext.size() + s.suite.icv_size();
  header.length = static_cast<std::uint32_t>(IkeHeader::kSize + payload_length);
  header.encode(writer);
  writer.u8(static_cast<std::uint8_t>(PayloadType::notify));
  writer.u8(0);
  writer.u16(static_cast<std::uint16_t>(payload_length));
  const std::size_t iv_offset = message.size();
  writer.zeros(s.suite.iv_size());
  const std::size_t data_offset = message.size();
  writer.bytes(plaintext);
  writer.zeros(s.suite.icv_size());
  std::span<std::uint8_t> view(message);
  check(s.cipher
            .seal(view.first(iv_offset), view.subspan(iv_offset, s.suite.iv_size()),
                  view.subspan(data_offset, plaintext.size()),
                  view.subspan(data_offset + plaintext.size(), s.suite.icv_size()))
            .ok());
  auto opened = s.protection.open(message);
  const std::size_t pad_length = plaintext.back();
  if (pad_length + 1 > plaintext.size()) {
    check(!opened.ok() && opened.error().code == Errc::invalid_syntax);
    return;
  }
  check(opened.ok());
  check(opened->inner_chain.size() == plaintext.size() - 1 - pad_length);
  decode_inner(opened->first_inner, opened->inner_chain);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t selector = data[0];
  FuzzSuite& suite = suites()[(selector / 3) % suites().size()];
  ByteView rest(data + 1, size - 1);
  switch (selector % 3) {
    case 0:
      open_received(suite, rest);
      break;
    case 1:
      seal_round_trip(suite, rest[0], rest.subspan(1));
      break;
    default:
      open_forged_plaintext(suite, rest);
      break;
  }
  return 0;
}
