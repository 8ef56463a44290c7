#include <gtest/gtest.h>

#include <netinet/in.h>

#include <linux/xfrm.h>

#include <cerrno>
#include <cstring>

#include "xfrm/kernel_error.hpp"

namespace ikev2d::xfrm {
namespace {

TEST(XfrmKernelError, NoEspSupportIsNamedForEveryErrnoTheKernelsUse) {
  for (int error : {ENOENT, ENOSYS, EPROTONOSUPPORT}) {
    for (std::uint16_t type : {XFRM_MSG_NEWSA, XFRM_MSG_UPDSA}) {
      EXPECT_EQ(kernel_reason(type, error), "kernel has no ESP support (module esp4/esp6 missing)")
          << error;
    }
  }
  auto error = kernel_error("install inbound ESP SA for child 'office'", XFRM_MSG_UPDSA, ENOSYS,
                            "Requested AEAD algorithm not found");
  EXPECT_EQ(error.code, ike::Errc::io_error);
  EXPECT_EQ(error.reason,
            "install inbound ESP SA for child 'office': XFRM_MSG_UPDSA (install SA on its "
            "allocated SPI) failed: kernel has no ESP support (module esp4/esp6 missing) "
            "[ENOSYS; kernel: Requested AEAD algorithm not found]");
}

TEST(XfrmKernelError, ExistsAndMissingSayWhat) {
  EXPECT_EQ(kernel_reason(XFRM_MSG_NEWSA, EEXIST), "SA already exists");
  EXPECT_EQ(kernel_reason(XFRM_MSG_NEWPOLICY, EEXIST), "policy already exists");
  EXPECT_EQ(kernel_reason(XFRM_MSG_DELSA, ESRCH), "no such SA");
  EXPECT_EQ(kernel_reason(XFRM_MSG_GETSA, ESRCH), "no such SA");
  EXPECT_EQ(kernel_reason(XFRM_MSG_DELPOLICY, ENOENT), "no such policy");
  EXPECT_EQ(kernel_reason(XFRM_MSG_UPDSA, ESRCH),
            "no such SA: the allocated SPI is gone (expired or deleted)");
  EXPECT_EQ(kernel_reason(XFRM_MSG_ALLOCSPI, ENOENT),
            "no free SPI in the range the kernel was asked to choose from");
}

TEST(XfrmKernelError, InvalidNamesTheRequest) {
  EXPECT_EQ(kernel_reason(XFRM_MSG_NEWPOLICY, EINVAL),
            "the kernel rejected XFRM_MSG_NEWPOLICY (add policy) as invalid");
  auto error = kernel_error("outbound policy for child 'x'", XFRM_MSG_NEWPOLICY, EINVAL, "");
  EXPECT_EQ(error.reason,
            "outbound policy for child 'x': XFRM_MSG_NEWPOLICY (add policy) failed: the kernel "
            "rejected XFRM_MSG_NEWPOLICY (add policy) as invalid [EINVAL]");
}

TEST(XfrmKernelError, ResourceAndPermissionErrors) {
  EXPECT_EQ(kernel_reason(XFRM_MSG_NEWSA, ENOBUFS),
            "the kernel is out of memory or netlink buffer space");
  EXPECT_EQ(kernel_reason(XFRM_MSG_NEWSA, ENOMEM),
            "the kernel is out of memory or netlink buffer space");
  EXPECT_EQ(kernel_reason(XFRM_MSG_DELPOLICY, EPERM),
            "not permitted: XFRM changes need CAP_NET_ADMIN");
  EXPECT_EQ(kernel_reason(XFRM_MSG_NEWSA, EAFNOSUPPORT),
            "address family not supported by the kernel (IPv6 disabled?)");
  EXPECT_EQ(kernel_reason(XFRM_MSG_NEWSA, EBUSY), std::strerror(EBUSY));
}

TEST(XfrmKernelError, ErrnoNamesAndRequestNames) {
  EXPECT_EQ(errno_name(ENOENT), "ENOENT");
  EXPECT_EQ(errno_name(EPROTONOSUPPORT), "EPROTONOSUPPORT");
  EXPECT_EQ(errno_name(12345), "errno 12345");
  EXPECT_EQ(xfrm_request_name(XFRM_MSG_ALLOCSPI), "XFRM_MSG_ALLOCSPI (allocate SPI)");
  EXPECT_EQ(xfrm_request_name(XFRM_MSG_DELSA), "XFRM_MSG_DELSA (delete SA)");
  EXPECT_EQ(xfrm_request_name(999), "XFRM message 999");
}

TEST(XfrmKernelError, RequestFailedKeepsTheStory) {
  auto error = request_failed("read the usage", XFRM_MSG_GETSA, "no answer from the kernel");
  EXPECT_EQ(error.code, ike::Errc::io_error);
  EXPECT_EQ(error.reason,
            "read the usage: XFRM_MSG_GETSA (read SA) failed: no answer from the kernel");
}

}  // namespace
}  // namespace ikev2d::xfrm
