// Reassembly of SKF fragments (RFC 7383 2.6, 2.6.1).

#include <string>

#include "ike/wire/protection/fragmentation.hpp"

namespace ike::wire {
namespace {

Error rejected(std::string reason) {
  return make_error(Errc::fragment_rejected, "SKF: " + std::move(reason));
}

}  // namespace

FragmentReassembler::FragmentReassembler(std::uint32_t message_id, ReassemblyLimits limits)
    : message_id_(message_id), limits_(limits) {}

Result<std::optional<FragmentOutcome>> FragmentReassembler::precheck(const IkeHeader& header,
                                                                     std::uint16_t number,
                                                                     std::uint16_t total) const {
  if (header.message_id != message_id_)
    return rejected("Message ID " + std::to_string(header.message_id) +
                    " does not belong to the reassembly of Message ID " +
                    std::to_string(message_id_));
  if (total == 0 || number == 0 || number > total)
    return make_error(Errc::invalid_syntax, "SKF: Fragment Number " + std::to_string(number) +
                                                " of Total Fragments " + std::to_string(total));
  if (total > limits_.max_fragments)
    return rejected("Total Fragments " + std::to_string(total) + " exceeds the limit of " +
                    std::to_string(limits_.max_fragments));
  if (complete_) return std::optional<FragmentOutcome>(FragmentOutcome::duplicate);
  if (total_ == 0) return std::optional<FragmentOutcome>();
  // RFC 7383 2.6.1: a lower total than already seen belongs to an older
  // retransmission and is dropped.
  if (total < total_)
    return rejected("Total Fragments " + std::to_string(total) + " is lower than the " +
                    std::to_string(total_) + " already seen");
  if (reference_header_ && (header.exchange != reference_header_->exchange ||
                            header.is_response() != reference_header_->is_response()))
    return rejected("fragment " + std::to_string(number) +
                    " differs in exchange type or response flag from the others");
  if (total == total_ && parts_[number - 1])
    return std::optional<FragmentOutcome>(FragmentOutcome::duplicate);
  return std::optional<FragmentOutcome>();
}

Result<FragmentResult> FragmentReassembler::accept(ByteView datagram, SkProtection& protection) {
  // Cheap refusals before any decryption; none of them changes the state.
  auto peeked = peek_fragment(datagram);
  if (!peeked) return std::move(peeked).error();
  auto early = precheck(peeked->header, peeked->number, peeked->total);
  if (!early) return std::move(early).error();
  if (*early) return FragmentResult{**early, std::nullopt};
  // RFC 7383 2.6: every fragment's ICV is verified before it is kept.
  auto opened = protection.open_fragment(datagram);
  if (!opened) return std::move(opened).error();
  return store(std::move(*opened));
}

Result<FragmentResult> FragmentReassembler::store(OpenedFragment fragment) {
  auto early = precheck(fragment.header, fragment.number, fragment.total);
  if (!early) return std::move(early).error();
  if (*early) return FragmentResult{**early, std::nullopt};

  // RFC 7383 2.6.1: a higher total means the peer re-fragmented (e.g. after
  // a PMTU change): discard what is held and start over.
  const bool starting = total_ == 0;
  const bool restarting = !starting && fragment.total > total_;
  const std::size_t held_after =
      (starting || restarting ? 0 : held_bytes_) + fragment.inner_part.size();
  if (held_after > limits_.max_message_size)
    return rejected("reassembled message would exceed " + std::to_string(limits_.max_message_size) +
                    " bytes");
  if (starting || restarting) restart(fragment.total);

  if (!reference_header_) reference_header_ = fragment.header;
  if (fragment.number == 1) {
    first_header_ = fragment.header;
    first_inner_ = fragment.first_inner;
  }
  held_bytes_ = held_after;
  parts_[fragment.number - 1] = std::move(fragment.inner_part);
  ++received_;

  FragmentOutcome outcome = restarting ? FragmentOutcome::restarted : FragmentOutcome::stored;
  if (received_ < total_) return FragmentResult{outcome, std::nullopt};
  complete_ = true;
  return FragmentResult{FragmentOutcome::complete, assemble()};
}

void FragmentReassembler::restart(std::uint16_t total) {
  for (auto& part : parts_)
    if (part) secure_wipe(*part);
  parts_.assign(total, std::nullopt);
  total_ = total;
  received_ = 0;
  held_bytes_ = 0;
  reference_header_.reset();
  first_header_.reset();
  first_inner_ = PayloadType::none;
}

ReassembledMessage FragmentReassembler::assemble() {
  ReassembledMessage message;
  message.header = *first_header_;  // fragment 1 is among the received ones
  message.first_inner = first_inner_;
  message.fragment_count = total_;
  message.inner_chain.reserve(held_bytes_);
  for (auto& part : parts_) {
    message.inner_chain.insert(message.inner_chain.end(), part->begin(), part->end());
    secure_wipe(*part);
  }
  parts_.clear();
  return message;
}

}  // namespace ike::wire
