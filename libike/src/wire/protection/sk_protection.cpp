#include "ike/wire/protection/sk_protection.hpp"

#include <string>

#include "ike/wire/writer.hpp"
#include "wire/protection/protected_layout.hpp"

namespace ike::wire {
namespace {

/// The 16-bit Payload Length bounds every SK/SKF payload.
constexpr std::size_t kMaxPayloadLength = 0xffff;

std::size_t protected_header_size(PayloadType type) {
  return detail::kGenericHeaderSize +
         (type == PayloadType::encrypted_fragment ? detail::kFragmentFieldsSize : 0);
}

Error syntax(std::string reason) {
  return make_error(Errc::invalid_syntax, std::move(reason));
}

}  // namespace

struct SkProtection::Opened {
  detail::ProtectedLayout layout;
  Bytes plaintext;
};

Result<SkProtection> SkProtection::create(const crypto::CipherAlgorithms& algorithms,
                                          const crypto::SuiteDescription& suite,
                                          ByteView encryption_key, ByteView integrity_key) {
  auto cipher =
      crypto::AuthenticatedCipher::create(algorithms, suite, encryption_key, integrity_key);
  if (!cipher) return std::move(cipher).error();
  return SkProtection(std::move(*cipher));
}

std::size_t SkProtection::padded_size(std::size_t inner_size) const noexcept {
  // RFC 7296 3.14: payloads || Padding || Pad Length, a multiple of the block
  // size; the least padding that reaches it (none for AEAD, RFC 5282 3).
  std::size_t block = cipher_.block_size();
  return (inner_size + 1 + block - 1) / block * block;
}

std::size_t SkProtection::sealed_size(std::size_t inner_size) const noexcept {
  return IkeHeader::kSize + protected_header_size(PayloadType::encrypted) + cipher_.iv_size() +
         padded_size(inner_size) + cipher_.icv_size();
}

Result<Bytes> SkProtection::seal(IkeHeader header, PayloadType first_inner, ByteView inner_chain,
                                 RandomSource& random) {
  return seal_one(header, PayloadType::encrypted, first_inner, 1, 1, inner_chain, random);
}

Result<Bytes> SkProtection::seal_one(IkeHeader header, PayloadType type, PayloadType first_inner,
                                     std::uint16_t number, std::uint16_t total, ByteView inner,
                                     RandomSource& random) {
  const std::size_t iv_size = cipher_.iv_size();
  const std::size_t icv_size = cipher_.icv_size();
  const std::size_t ciphertext_size = padded_size(inner.size());
  const std::size_t payload_length =
      protected_header_size(type) + iv_size + ciphertext_size + icv_size;
  if (payload_length > kMaxPayloadLength)
    return make_error(Errc::invalid_argument,
                      to_string(type) + " payload: " + std::to_string(inner.size()) +
                          " bytes of inner payloads exceed the 16-bit payload length; fragment");
  header.next_payload = type;
  header.length = static_cast<std::uint32_t>(IkeHeader::kSize + payload_length);

  Bytes out;
  out.reserve(header.length);
  Writer writer(out);
  header.encode(writer);
  writer.u8(static_cast<std::uint8_t>(first_inner));
  writer.u8(0);  // critical bit and RESERVED
  writer.u16(static_cast<std::uint16_t>(payload_length));
  if (type == PayloadType::encrypted_fragment) {
    writer.u16(number);
    writer.u16(total);
  }
  const std::size_t iv_offset = out.size();
  writer.zeros(iv_size);
  random.fill(std::span<std::uint8_t>(out).subspan(iv_offset, iv_size));
  const std::size_t data_offset = out.size();
  const std::size_t pad_length = ciphertext_size - inner.size() - 1;
  writer.bytes(inner);
  writer.zeros(pad_length);
  writer.u8(static_cast<std::uint8_t>(pad_length));
  writer.zeros(icv_size);

  std::span<std::uint8_t> message(out);
  auto sealed = cipher_.seal(message.first(iv_offset), message.subspan(iv_offset, iv_size),
                             message.subspan(data_offset, ciphertext_size),
                             message.subspan(data_offset + ciphertext_size, icv_size));
  if (!sealed) return std::move(sealed).error();
  return out;
}

Result<SkProtection::Opened> SkProtection::open_one(ByteView datagram, PayloadType expected) {
  auto layout = detail::locate_protected_payload(datagram);
  if (!layout) return std::move(layout).error();
  const std::string name = to_string(expected) + " payload";
  if (layout->type != expected)
    return syntax(name + " expected, but the message carries " + to_string(layout->type));

  const std::size_t iv_size = cipher_.iv_size();
  const std::size_t icv_size = cipher_.icv_size();
  const std::size_t block = cipher_.block_size();
  ByteView body = datagram.subspan(layout->iv_offset);
  if (body.size() < iv_size + icv_size + 1)
    return syntax(name + ": " + std::to_string(body.size()) + " bytes after the header are " +
                  "fewer than IV (" + std::to_string(iv_size) + ") + ICV (" +
                  std::to_string(icv_size) + ") + Pad Length (1)");
  const std::size_t ciphertext_size = body.size() - iv_size - icv_size;
  if (ciphertext_size % block != 0)
    return syntax(name + ": ciphertext of " + std::to_string(ciphertext_size) +
                  " bytes is not a multiple of the " + std::to_string(block) + "-byte block");

  Opened opened{*layout, Bytes(body.begin() + iv_size, body.begin() + iv_size + ciphertext_size)};
  auto verified = cipher_.open(datagram.first(layout->iv_offset), body.first(iv_size),
                               opened.plaintext, body.last(icv_size));
  if (!verified) {
    Error error = std::move(verified).error();
    error.reason = name + ": " + error.reason;
    return error;
  }
  // Authenticated from here on; a bad Pad Length is the peer's syntax error.
  std::size_t pad_length = opened.plaintext.back();
  if (pad_length > ciphertext_size - 1) {
    secure_wipe(opened.plaintext);
    return syntax(name + ": Pad Length " + std::to_string(pad_length) + " exceeds the " +
                  std::to_string(ciphertext_size - 1) + " decrypted bytes before it");
  }
  opened.plaintext.resize(ciphertext_size - 1 - pad_length);
  return opened;
}

Result<OpenedMessage> SkProtection::open(ByteView datagram) {
  auto opened = open_one(datagram, PayloadType::encrypted);
  if (!opened) return std::move(opened).error();
  return OpenedMessage{opened->layout.header, opened->layout.first_inner,
                       std::move(opened->plaintext)};
}

Result<OpenedFragment> SkProtection::open_fragment(ByteView datagram) {
  auto opened = open_one(datagram, PayloadType::encrypted_fragment);
  if (!opened) return std::move(opened).error();
  const auto& layout = opened->layout;
  return OpenedFragment{layout.header, layout.first_inner, layout.fragment_number,
                        layout.total_fragments, std::move(opened->plaintext)};
}

}  // namespace ike::wire
