#pragma once
/// Kernel failures as readable reasons. Every reason starts with the
/// request's story and names the XFRM request, then says what it means for
/// an operator, then the errno name and the kernel's own extended-ack text:
///
///   install inbound ESP SA for child 'office': XFRM_MSG_UPDSA (install SA)
///   failed: kernel has no ESP support (module esp4/esp6 missing) [ENOSYS;
///   kernel: Requested AEAD algorithm not found]

#include <cstdint>
#include <string>
#include <string_view>

#include "ike/error.hpp"

namespace ikev2d::xfrm {

/// "XFRM_MSG_NEWSA (add SA)", "XFRM_MSG_DELPOLICY (delete policy)", ...
std::string xfrm_request_name(std::uint16_t message_type);

/// "ENOENT", "EEXIST", ... or "errno 123".
std::string errno_name(int error_number);

/// What errno `error_number` means for request `message_type`:
///   adding an SA, ENOENT/ENOSYS/EPROTONOSUPPORT: "kernel has no ESP support
///     (module esp4/esp6 missing)" (the host kernel without esp4 answers
///     EPROTONOSUPPORT, a missing AEAD gives ENOSYS, strongSwan saw ENOENT);
///   EEXIST: "SA already exists" / "policy already exists";
///   ESRCH/ENOENT on delete, get or update: "no such SA" / "no such policy";
///   ENOENT on ALLOCSPI: no free SPI in the range;
///   EINVAL: "the kernel rejected <request> as invalid";
///   ENOBUFS/ENOMEM, EPERM/EACCES, EAFNOSUPPORT: what to check;
///   anything else: strerror.
std::string kernel_reason(std::uint16_t message_type, int error_number);

/// The Error (io_error) for a request the kernel answered with errno
/// `error_number` (see the top of this file for the text).
ike::Error kernel_error(std::string_view story, std::uint16_t message_type, int error_number,
                        std::string_view kernel_message);

/// The Error (io_error) for a request that got no usable answer (socket
/// failure, timeout, malformed reply): "<story>: <request> failed: <why>".
ike::Error request_failed(std::string_view story, std::uint16_t message_type, std::string_view why);

}  // namespace ikev2d::xfrm
