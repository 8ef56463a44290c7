#pragma once
/// The ownership ledger: a file listing, one decimal number per line, every
/// reqid the driver has installed an SA or policy with. Each reqid is
/// appended (write(2) on an O_APPEND descriptor) before the request that
/// installs something with it is sent, so after a crash the file names
/// everything we may have left in the kernel, and remove_owned deletes
/// exactly that. No fsync: the ledger must survive the daemon's crash (the
/// page cache does), not the machine's, since a reboot empties the kernel's
/// tables too.

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"

namespace ikev2d::xfrm {

struct LedgerContents {
  std::set<std::uint32_t> reqids;
  /// "line 3: \"x7\" is not a reqid", for the log; such lines are skipped.
  std::vector<std::string> problems;
};

/// Reads the file format: one decimal reqid (1..4294967295) per line; empty
/// lines are fine, and a last line without newline (a write cut short by a
/// crash) still counts if it is a number.
LedgerContents parse_ledger(std::string_view text);

class OwnershipLedger {
 public:
  /// Opens (creating it and its directory, mode 0700, if missing) and reads
  /// the ledger at `path`.
  static ike::Result<OwnershipLedger> open(const std::filesystem::path& path);

  ~OwnershipLedger();
  OwnershipLedger(OwnershipLedger&& other) noexcept;
  OwnershipLedger& operator=(OwnershipLedger&& other) noexcept;
  OwnershipLedger(const OwnershipLedger&) = delete;
  OwnershipLedger& operator=(const OwnershipLedger&) = delete;

  /// Appends `reqid` unless already listed; returns once the line is written.
  ike::Status record(std::uint32_t reqid);
  bool owns(std::uint32_t reqid) const noexcept { return reqids_.count(reqid) != 0; }
  const std::set<std::uint32_t>& reqids() const noexcept { return reqids_; }
  /// Lines skipped when the file was read.
  const std::vector<std::string>& problems() const noexcept { return problems_; }
  /// Empties the file (after remove_owned removed everything).
  ike::Status clear();

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  OwnershipLedger(std::filesystem::path path, int fd, LedgerContents contents);

  std::filesystem::path path_;
  int fd_ = -1;
  std::set<std::uint32_t> reqids_;
  std::vector<std::string> problems_;
};

}  // namespace ikev2d::xfrm
