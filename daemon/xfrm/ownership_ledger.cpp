#include "xfrm/ownership_ledger.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <utility>

namespace ikev2d::xfrm {

namespace {

ike::Error file_error(const std::string& what, const std::filesystem::path& path,
                      int error_number) {
  return ike::make_error(ike::Errc::io_error,
                         what + " " + path.string() + ": " + std::strerror(error_number));
}

/// The whole file; the ledger holds at most one short line per reqid.
ike::Result<std::string> read_all(int fd, const std::filesystem::path& path) {
  std::string text;
  char chunk[4096];
  for (;;) {
    ssize_t got = ::pread(fd, chunk, sizeof(chunk), static_cast<off_t>(text.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return file_error("reading the ownership ledger", path, errno);
    if (got == 0) return text;
    text.append(chunk, static_cast<std::size_t>(got));
  }
}

ike::Status write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t done = ::write(fd, text.data() + written, text.size() - written);
    if (done < 0 && errno == EINTR) continue;
    if (done < 0) return file_error("appending to the ownership ledger", path, errno);
    written += static_cast<std::size_t>(done);
  }
  return {};
}

}  // namespace

LedgerContents parse_ledger(std::string_view text) {
  LedgerContents contents;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty()) continue;
    std::uint32_t reqid = 0;
    auto [rest, error] = std::from_chars(line.data(), line.data() + line.size(), reqid);
    if (error != std::errc{} || rest != line.data() + line.size() || reqid == 0) {
      contents.problems.push_back("line " + std::to_string(line_number) + ": \"" +
                                  std::string(line.substr(0, 40)) + "\" is not a reqid");
      continue;
    }
    contents.reqids.insert(reqid);
  }
  return contents;
}

OwnershipLedger::OwnershipLedger(std::filesystem::path path, int fd, LedgerContents contents)
    : path_(std::move(path)),
      fd_(fd),
      reqids_(std::move(contents.reqids)),
      problems_(std::move(contents.problems)) {}

OwnershipLedger::~OwnershipLedger() {
  if (fd_ >= 0) ::close(fd_);
}

OwnershipLedger::OwnershipLedger(OwnershipLedger&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      reqids_(std::move(other.reqids_)),
      problems_(std::move(other.problems_)) {}

OwnershipLedger& OwnershipLedger::operator=(OwnershipLedger&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    reqids_ = std::move(other.reqids_);
    problems_ = std::move(other.problems_);
  }
  return *this;
}

ike::Result<OwnershipLedger> OwnershipLedger::open(const std::filesystem::path& path) {
  if (path.has_parent_path()) {
    std::error_code error;
    bool created = std::filesystem::create_directories(path.parent_path(), error);
    if (error) return file_error("creating the directory of", path, error.value());
    // Only a directory we made is ours to restrict.
    if (created) {
      std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, error);
    }
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return file_error("opening the ownership ledger", path, errno);
  auto text = read_all(fd, path);
  if (!text) {
    ::close(fd);
    return std::move(text).error();
  }
  // A line cut short by a crash must not run into the next one we append.
  if (!text->empty() && text->back() != '\n') {
    if (auto ended = write_all(fd, "\n", path); !ended) {
      ::close(fd);
      return std::move(ended).error();
    }
  }
  return OwnershipLedger(path, fd, parse_ledger(*text));
}

ike::Status OwnershipLedger::record(std::uint32_t reqid) {
  if (owns(reqid)) return {};
  if (auto written = write_all(fd_, std::to_string(reqid) + "\n", path_); !written) {
    return written;
  }
  reqids_.insert(reqid);
  return {};
}

ike::Status OwnershipLedger::clear() {
  if (::ftruncate(fd_, 0) != 0) return file_error("emptying the ownership ledger", path_, errno);
  reqids_.clear();
  problems_.clear();
  return {};
}

}  // namespace ikev2d::xfrm
