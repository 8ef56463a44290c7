#pragma once
/// The IKE header (RFC 7296 3.1).
///
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       IKE SA Initiator's SPI                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       IKE SA Responder's SPI                  |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          Message ID                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                            Length                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

#include <cstdint>

#include "ike/error.hpp"
#include "ike/wire/reader.hpp"
#include "ike/wire/types.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire {

struct IkeHeader {
  static constexpr std::size_t kSize = 28;
  static constexpr std::uint8_t kFlagInitiator = 0x08;
  static constexpr std::uint8_t kFlagVersion = 0x10;
  static constexpr std::uint8_t kFlagResponse = 0x20;
  /// Offset of the Length field, for patching after encryption.
  static constexpr std::size_t kLengthOffset = 24;

  std::uint64_t spi_initiator = 0;
  std::uint64_t spi_responder = 0;
  PayloadType next_payload = PayloadType::none;
  std::uint8_t major_version = 2;
  std::uint8_t minor_version = 0;
  ExchangeType exchange = ExchangeType::ike_sa_init;
  std::uint8_t flags = 0;
  std::uint32_t message_id = 0;
  std::uint32_t length = kSize;

  bool from_initiator() const noexcept { return flags & kFlagInitiator; }
  bool is_response() const noexcept { return flags & kFlagResponse; }

  /// Reads the 28 octets. Fails with invalid_major_version when MjVer is not 2
  /// (the caller answers with INVALID_MAJOR_VERSION, RFC 7296 2.5) and with
  /// invalid_syntax when too short. The Length field is returned as read; the
  /// message decoder checks it against the datagram.
  static Result<IkeHeader> decode(Reader& in);
  void encode(Writer& out) const;

  friend bool operator==(const IkeHeader&, const IkeHeader&) = default;
};

}  // namespace ike::wire
