// Splitting an inner chain into SKF messages (RFC 7383 2.5, 2.5.1).

#include <algorithm>
#include <string>

#include "ike/wire/protection/fragmentation.hpp"
#include "ike/wire/protection/sk_protection.hpp"
#include "wire/protection/protected_layout.hpp"

namespace ike::wire {

std::size_t SkProtection::fragment_capacity(std::size_t max_message_size) const noexcept {
  // RFC 7383 2.5.1: IKE header, SKF header with its fragment fields, IV and
  // ICV come off first; what is left holds content + padding + Pad Length in
  // whole blocks, and the SKF payload must also fit its 16-bit length.
  const std::size_t fixed = detail::kGenericHeaderSize + detail::kFragmentFieldsSize +
                            cipher_.iv_size() + cipher_.icv_size();
  const std::size_t block = cipher_.block_size();
  if (max_message_size <= IkeHeader::kSize + fixed) return 0;
  std::size_t room = std::min(max_message_size - IkeHeader::kSize - fixed, 0xffff - fixed);
  std::size_t ciphertext = room / block * block;
  return ciphertext == 0 ? 0 : ciphertext - 1;
}

Result<std::vector<Bytes>> SkProtection::seal_fragments(IkeHeader header, PayloadType first_inner,
                                                        ByteView inner_chain,
                                                        std::size_t max_message_size,
                                                        RandomSource& random) {
  const std::size_t capacity = fragment_capacity(max_message_size);
  if (capacity == 0)
    return make_error(Errc::invalid_argument, "SKF: a maximum message size of " +
                                                  std::to_string(max_message_size) +
                                                  " bytes leaves no room for fragment content");
  const std::size_t count =
      std::max<std::size_t>(1, (inner_chain.size() + capacity - 1) / capacity);
  if (count > 0xffff)
    return make_error(Errc::invalid_argument, "SKF: " + std::to_string(count) +
                                                  " fragments needed, at most 65535 possible");
  std::vector<Bytes> fragments;
  fragments.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    std::size_t offset = index * capacity;
    ByteView part = inner_chain.subspan(offset, std::min(capacity, inner_chain.size() - offset));
    // RFC 7383 2.5: the first inner payload type travels in fragment 1 only.
    PayloadType next = index == 0 ? first_inner : PayloadType::none;
    auto sealed = seal_one(header, PayloadType::encrypted_fragment, next,
                           static_cast<std::uint16_t>(index + 1), static_cast<std::uint16_t>(count),
                           part, random);
    if (!sealed) return std::move(sealed).error();
    fragments.push_back(std::move(*sealed));
  }
  return fragments;
}

Result<FragmentHeader> peek_fragment(ByteView datagram) {
  auto layout = detail::locate_protected_payload(datagram);
  if (!layout) return std::move(layout).error();
  if (layout->type != PayloadType::encrypted_fragment)
    return make_error(Errc::invalid_syntax,
                      "SKF payload expected, but the message carries " + to_string(layout->type));
  return FragmentHeader{layout->header, layout->first_inner, layout->fragment_number,
                        layout->total_fragments};
}

}  // namespace ike::wire
