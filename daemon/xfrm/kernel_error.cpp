#include "xfrm/kernel_error.hpp"

#include <netinet/in.h>

#include <linux/xfrm.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

namespace ikev2d::xfrm {

namespace {

bool adds_sa(std::uint16_t type) {
  return type == XFRM_MSG_NEWSA || type == XFRM_MSG_UPDSA;
}

bool about_policy(std::uint16_t type) {
  return type == XFRM_MSG_NEWPOLICY || type == XFRM_MSG_UPDPOLICY || type == XFRM_MSG_DELPOLICY ||
         type == XFRM_MSG_GETPOLICY;
}

std::string what_of(std::uint16_t type) {
  return about_policy(type) ? "policy" : "SA";
}

}  // namespace

std::string xfrm_request_name(std::uint16_t message_type) {
  switch (message_type) {
    case XFRM_MSG_NEWSA:
      return "XFRM_MSG_NEWSA (add SA)";
    case XFRM_MSG_UPDSA:
      return "XFRM_MSG_UPDSA (install SA on its allocated SPI)";
    case XFRM_MSG_DELSA:
      return "XFRM_MSG_DELSA (delete SA)";
    case XFRM_MSG_GETSA:
      return "XFRM_MSG_GETSA (read SA)";
    case XFRM_MSG_ALLOCSPI:
      return "XFRM_MSG_ALLOCSPI (allocate SPI)";
    case XFRM_MSG_NEWPOLICY:
      return "XFRM_MSG_NEWPOLICY (add policy)";
    case XFRM_MSG_UPDPOLICY:
      return "XFRM_MSG_UPDPOLICY (update policy)";
    case XFRM_MSG_DELPOLICY:
      return "XFRM_MSG_DELPOLICY (delete policy)";
    case XFRM_MSG_GETPOLICY:
      return "XFRM_MSG_GETPOLICY (read policies)";
    default:
      return "XFRM message " + std::to_string(message_type);
  }
}

std::string errno_name(int error_number) {
  static constexpr std::array<std::pair<int, const char*>, 16> names = {{
      {ENOENT, "ENOENT"},
      {ESRCH, "ESRCH"},
      {EEXIST, "EEXIST"},
      {EINVAL, "EINVAL"},
      {ENOBUFS, "ENOBUFS"},
      {ENOMEM, "ENOMEM"},
      {EPERM, "EPERM"},
      {EACCES, "EACCES"},
      {ENOSYS, "ENOSYS"},
      {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
      {EAFNOSUPPORT, "EAFNOSUPPORT"},
      {EBUSY, "EBUSY"},
      {ETIMEDOUT, "ETIMEDOUT"},
      {EAGAIN, "EAGAIN"},
      {EOPNOTSUPP, "EOPNOTSUPP"},
      {EPROTO, "EPROTO"},
  }};
  for (const auto& [number, name] : names) {
    if (number == error_number) return name;
  }
  return "errno " + std::to_string(error_number);
}

std::string kernel_reason(std::uint16_t message_type, int error_number) {
  switch (error_number) {
    case ENOENT:
    case ENOSYS:
    case EPROTONOSUPPORT:
      if (adds_sa(message_type)) return "kernel has no ESP support (module esp4/esp6 missing)";
      if (message_type == XFRM_MSG_ALLOCSPI && error_number == ENOENT) {
        return "no free SPI in the range the kernel was asked to choose from";
      }
      if (error_number == ENOENT) return "no such " + what_of(message_type);
      return "the kernel does not support this request";
    case ESRCH:
      if (message_type == XFRM_MSG_UPDSA) {
        return "no such SA: the allocated SPI is gone (expired or deleted)";
      }
      return "no such " + what_of(message_type);
    case EEXIST:
      return what_of(message_type) + " already exists";
    case EINVAL:
      return "the kernel rejected " + xfrm_request_name(message_type) + " as invalid";
    case ENOBUFS:
    case ENOMEM:
      return "the kernel is out of memory or netlink buffer space";
    case EPERM:
    case EACCES:
      return "not permitted: XFRM changes need CAP_NET_ADMIN";
    case EAFNOSUPPORT:
      return "address family not supported by the kernel (IPv6 disabled?)";
    default:
      return std::strerror(error_number);
  }
}

ike::Error kernel_error(std::string_view story, std::uint16_t message_type, int error_number,
                        std::string_view kernel_message) {
  std::string reason = std::string(story) + ": " + xfrm_request_name(message_type) +
                       " failed: " + kernel_reason(message_type, error_number) + " [" +
                       errno_name(error_number);
  if (!kernel_message.empty()) reason += "; kernel: " + std::string(kernel_message);
  reason += "]";
  return ike::make_error(ike::Errc::io_error, std::move(reason));
}

ike::Error request_failed(std::string_view story, std::uint16_t message_type,
                          std::string_view why) {
  return ike::make_error(
      ike::Errc::io_error,
      std::string(story) + ": " + xfrm_request_name(message_type) + " failed: " + std::string(why));
}

}  // namespace ikev2d::xfrm
