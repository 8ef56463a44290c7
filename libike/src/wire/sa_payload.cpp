// SA payload with its proposal, transform and attribute substructures
// (RFC 7296 3.3, 3.3.1, 3.3.2, 3.3.5).

#include <string>

#include "ike/wire/payloads.hpp"
#include "ike/wire/reader.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {
namespace {

using detail::bounded_reserve;
using detail::bytes_text;
using detail::syntax_error;

constexpr std::string_view kWhere = "SA payload";
constexpr std::size_t kProposalHeaderSize = 8;
constexpr std::size_t kTransformHeaderSize = 8;
constexpr std::size_t kAttributeHeaderSize = 4;
// "Last Substruc" values: 0 marks the last substructure; otherwise the type of
// the next one, 2 for a proposal and 3 for a transform (RFC 7296 3.3.1/3.3.2).
constexpr std::uint8_t kLastSubstructure = 0;
constexpr std::uint8_t kMoreProposals = 2;
constexpr std::uint8_t kMoreTransforms = 3;
constexpr std::uint16_t kAttributeFormatTv = 0x8000;

// Checks the Last Substruc flag of substructure `what` against its position.
Status check_last_flag(const std::string& what, std::uint8_t flag, std::uint8_t more_value,
                       std::size_t bytes_after) {
  if (flag != kLastSubstructure && flag != more_value) {
    return syntax_error(kWhere, what + ": Last Substruc is " + std::to_string(flag) +
                                    " (must be 0 or " + std::to_string(more_value) + ")");
  }
  if (flag == kLastSubstructure && bytes_after != 0) {
    return syntax_error(kWhere,
                        what + " is marked last but " + bytes_text(bytes_after) + " follow it");
  }
  if (flag == more_value && bytes_after == 0) {
    return syntax_error(kWhere, what + " announces another substructure but none follows");
  }
  return {};
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |A|       Attribute Type        |    AF=0  Attribute Length     |
// |F|                             |    AF=1  Attribute Value      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   AF=0  Attribute Value                       |
// |                   AF=1  Not Transmitted                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Data Attributes (RFC 7296 3.3.5)
Status decode_attributes(ByteView data, const std::string& what,
                         std::vector<TransformAttribute>& out) {
  Reader in(data);
  for (std::size_t index = 1; !in.empty(); ++index) {
    std::string where = what + " attribute " + std::to_string(index);
    if (in.remaining() < kAttributeHeaderSize) {
      return syntax_error(kWhere, where + ": " + bytes_text(in.remaining()) +
                                      " left, shorter than the 4-byte attribute header");
    }
    std::uint16_t format_and_type = 0, length_or_value = 0;
    (void)in.u16(format_and_type), (void)in.u16(length_or_value);
    TransformAttribute attribute;
    attribute.tv = (format_and_type & kAttributeFormatTv) != 0;
    attribute.type = static_cast<std::uint16_t>(format_and_type & ~kAttributeFormatTv);
    if (attribute.tv) {
      attribute.value = length_or_value;
    } else if (!in.copy(length_or_value, attribute.data)) {
      return syntax_error(kWhere, where + ": length " + std::to_string(length_or_value) +
                                      " overruns the transform (" + bytes_text(in.remaining()) +
                                      " left)");
    }
    if (attribute.type == kKeyLengthAttribute && !attribute.tv) {
      // RFC 7296 3.3.5: Key Length is always sent in the short (TV) format.
      return syntax_error(kWhere,
                          where + ": Key Length attribute uses the TLV format (must be TV)");
    }
    out.push_back(std::move(attribute));
  }
  return {};
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Last Substruc |   RESERVED    |        Transform Length       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Transform Type |   RESERVED    |          Transform ID         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Transform Attributes                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Transform Substructure (RFC 7296 3.3.2)
Status decode_transforms(ByteView data, const std::string& proposal, std::uint8_t declared,
                         std::vector<Transform>& out) {
  Reader in(data);
  out.reserve(bounded_reserve(declared, data.size(), kTransformHeaderSize));
  std::size_t index = 0;
  while (!in.empty()) {
    ++index;
    std::string what = proposal + " transform " + std::to_string(index);
    if (in.remaining() < kTransformHeaderSize) {
      return syntax_error(kWhere, what + ": " + bytes_text(in.remaining()) +
                                      " left, shorter than the 8-byte transform header");
    }
    std::uint8_t last = 0, type = 0, reserved = 0;
    std::uint16_t length = 0, id = 0;
    // The size check above covers the fixed part.
    (void)in.u8(last), (void)in.u8(reserved), (void)in.u16(length);
    (void)in.u8(type), (void)in.u8(reserved), (void)in.u16(id);
    if (length < kTransformHeaderSize) {
      return syntax_error(
          kWhere, what + ": length " + std::to_string(length) + " is below the 8-byte minimum");
    }
    ByteView attributes;
    if (!in.view(length - kTransformHeaderSize, attributes)) {
      return syntax_error(kWhere, what + ": length " + std::to_string(length) +
                                      " overruns the proposal (" +
                                      bytes_text(in.remaining() + kTransformHeaderSize) + " left)");
    }
    if (auto flag = check_last_flag(what, last, kMoreTransforms, in.remaining()); !flag) {
      return flag.error();
    }
    Transform transform;
    transform.type = static_cast<TransformType>(type);
    transform.id = id;
    if (auto ok = decode_attributes(attributes, what, transform.attributes); !ok) return ok;
    out.push_back(std::move(transform));
  }
  if (index != declared) {
    return syntax_error(kWhere, proposal + " declares " + std::to_string(declared) +
                                    " transforms but carries " + std::to_string(index));
  }
  return {};
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Last Substruc |   RESERVED    |         Proposal Length       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        SPI (variable)                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        <Transforms>                           ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Proposal Substructure (RFC 7296 3.3.1)
Result<Proposal> decode_proposal(Reader& in, const std::string& what) {
  if (in.remaining() < kProposalHeaderSize) {
    return syntax_error(kWhere, what + ": " + bytes_text(in.remaining()) +
                                    " left, shorter than the 8-byte proposal header");
  }
  std::uint8_t last = 0, reserved = 0, protocol = 0, spi_size = 0, declared = 0;
  std::uint16_t length = 0;
  Proposal proposal;
  // The size check above covers the fixed part.
  (void)in.u8(last), (void)in.u8(reserved), (void)in.u16(length);
  (void)in.u8(proposal.number), (void)in.u8(protocol), (void)in.u8(spi_size);
  (void)in.u8(declared);
  proposal.protocol = static_cast<ProtocolId>(protocol);
  if (length < kProposalHeaderSize) {
    return syntax_error(
        kWhere, what + ": length " + std::to_string(length) + " is below the 8-byte minimum");
  }
  ByteView rest;
  if (!in.view(length - kProposalHeaderSize, rest)) {
    return syntax_error(kWhere, what + ": length " + std::to_string(length) +
                                    " overruns the payload (" +
                                    bytes_text(in.remaining() + kProposalHeaderSize) + " left)");
  }
  if (auto flag = check_last_flag(what, last, kMoreProposals, in.remaining()); !flag) {
    return flag.error();
  }
  if (spi_size > rest.size()) {
    return syntax_error(kWhere, what + ": SPI size " + std::to_string(spi_size) +
                                    " overruns the proposal length " + std::to_string(length));
  }
  proposal.spi.assign(rest.begin(), rest.begin() + spi_size);
  auto transforms = rest.subspan(spi_size);
  if (auto ok = decode_transforms(transforms, what, declared, proposal.transforms); !ok) {
    return ok.error();
  }
  return proposal;
}

// Each proposal number is equal to or one more than the one before (RFC 7296
// 3.3.1: equal numbers form one AND-ed proposal). The first is not required
// to be 1: an offer starts at 1, but an answer carries the number of the
// proposal it accepted, e.g. 2 (3.3.1, "When a proposal is accepted, the
// proposal number in the SA payload MUST match the number on the proposal
// sent that was accepted"). Zero is never valid, as no offer can carry it.
Status check_proposal_number(const std::string& what, std::uint8_t previous, std::uint8_t number,
                             bool first) {
  if (first && number == 0) {
    return syntax_error(kWhere, what + ": number is 0 (proposal numbers start at 1)");
  }
  if (!first && number != previous && number != previous + 1) {
    return syntax_error(kWhere, what + ": number " + std::to_string(number) + " after " +
                                    std::to_string(previous) + " (must be equal or one more)");
  }
  return {};
}

void encode_transform(Writer& out, const Transform& transform, bool last) {
  std::size_t start = out.size();
  out.u8(last ? kLastSubstructure : kMoreTransforms);
  out.u8(0);
  std::size_t length_at = out.placeholder_u16();
  out.u8(static_cast<std::uint8_t>(transform.type));
  out.u8(0);
  out.u16(transform.id);
  for (const auto& attribute : transform.attributes) {
    auto type = static_cast<std::uint16_t>(attribute.type & ~kAttributeFormatTv);
    if (attribute.tv) {
      out.u16(static_cast<std::uint16_t>(type | kAttributeFormatTv));
      out.u16(attribute.value);
    } else {
      out.u16(type);
      out.u16(static_cast<std::uint16_t>(attribute.data.size()));
      out.bytes(attribute.data);
    }
  }
  out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - start));
}

void encode_proposal(Writer& out, const Proposal& proposal, bool last) {
  std::size_t start = out.size();
  out.u8(last ? kLastSubstructure : kMoreProposals);
  out.u8(0);
  std::size_t length_at = out.placeholder_u16();
  out.u8(proposal.number);
  out.u8(static_cast<std::uint8_t>(proposal.protocol));
  out.u8(static_cast<std::uint8_t>(proposal.spi.size()));
  out.u8(static_cast<std::uint8_t>(proposal.transforms.size()));
  out.bytes(proposal.spi);
  for (std::size_t i = 0; i < proposal.transforms.size(); ++i) {
    encode_transform(out, proposal.transforms[i], i + 1 == proposal.transforms.size());
  }
  out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - start));
}

}  // namespace

std::optional<std::uint16_t> Transform::key_length() const noexcept {
  for (const auto& attribute : attributes) {
    if (attribute.type == kKeyLengthAttribute && attribute.tv) return attribute.value;
  }
  return std::nullopt;
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                          <Proposals>                          ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Security Association Payload (RFC 7296 3.3)
Result<SaPayload> SaPayload::decode(ByteView body) {
  if (body.empty()) return syntax_error(kWhere, "no proposals (the body is empty)");
  SaPayload sa;
  Reader in(body);
  for (std::size_t index = 1; !in.empty(); ++index) {
    std::string what = "proposal " + std::to_string(index);
    auto proposal = decode_proposal(in, what);
    if (!proposal) return std::move(proposal).error();
    std::uint8_t previous = sa.proposals.empty() ? 0 : sa.proposals.back().number;
    if (auto ok = check_proposal_number(what, previous, proposal->number, index == 1); !ok) {
      return ok.error();
    }
    sa.proposals.push_back(std::move(proposal).value());
  }
  return sa;
}

void SaPayload::encode(Writer& out) const {
  for (std::size_t i = 0; i < proposals.size(); ++i) {
    encode_proposal(out, proposals[i], i + 1 == proposals.size());
  }
}

}  // namespace ike::wire
