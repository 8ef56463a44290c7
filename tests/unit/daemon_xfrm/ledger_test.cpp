#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "xfrm/ownership_ledger.hpp"

namespace ikev2d::xfrm {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LedgerFile : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("ikev2d-ledger-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }
  fs::path directory_;
};

TEST(LedgerParse, OneReqidPerLine) {
  auto contents = parse_ledger("7\n12\n\n7\n4294967295");
  EXPECT_EQ(contents.reqids, (std::set<std::uint32_t>{7, 12, 4294967295u}));
  EXPECT_TRUE(contents.problems.empty());
}

TEST(LedgerParse, GarbageLinesAreSkippedAndReported) {
  auto contents = parse_ledger("5\nx7\n0\n4294967296\n 8\n9 \n10\n");
  EXPECT_EQ(contents.reqids, (std::set<std::uint32_t>{5, 10}));
  ASSERT_EQ(contents.problems.size(), 5u);
  EXPECT_EQ(contents.problems[0], "line 2: \"x7\" is not a reqid");
  EXPECT_EQ(contents.problems[1], "line 3: \"0\" is not a reqid");
  EXPECT_EQ(contents.problems[2], "line 4: \"4294967296\" is not a reqid");
}

TEST_F(LedgerFile, CreatesDirectoryAndFileAndAppendsEachReqidOnce) {
  auto path = directory_ / "run" / "xfrm-owned";
  auto ledger = OwnershipLedger::open(path);
  ASSERT_TRUE(ledger) << ledger.error().reason;
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::status(path.parent_path()).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_TRUE(ledger->reqids().empty());
  ASSERT_TRUE(ledger->record(3));
  ASSERT_TRUE(ledger->record(9));
  ASSERT_TRUE(ledger->record(3));
  // Written through at once, before any install request would be sent.
  EXPECT_EQ(read_file(path), "3\n9\n");
  EXPECT_TRUE(ledger->owns(9));
  EXPECT_FALSE(ledger->owns(4));
}

TEST_F(LedgerFile, ReopenedLedgerKnowsWhatWasRecorded) {
  auto path = directory_ / "xfrm-owned";
  {
    auto ledger = OwnershipLedger::open(path);
    ASSERT_TRUE(ledger);
    ASSERT_TRUE(ledger->record(21));
  }
  auto again = OwnershipLedger::open(path);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->owns(21));
  ASSERT_TRUE(again->clear());
  EXPECT_TRUE(again->reqids().empty());
  EXPECT_EQ(read_file(path), "");
  ASSERT_TRUE(again->record(22));
  EXPECT_EQ(read_file(path), "22\n");
}

TEST_F(LedgerFile, LineCutShortByACrashDoesNotMergeWithTheNext) {
  fs::create_directories(directory_);
  auto path = directory_ / "xfrm-owned";
  std::ofstream(path) << "5\n6";
  auto ledger = OwnershipLedger::open(path);
  ASSERT_TRUE(ledger);
  EXPECT_EQ(ledger->reqids(), (std::set<std::uint32_t>{5, 6}));
  ASSERT_TRUE(ledger->record(7));
  EXPECT_EQ(read_file(path), "5\n6\n7\n");
}

TEST_F(LedgerFile, UnwritablePlaceIsAnError) {
  fs::create_directories(directory_);
  auto blocker = directory_ / "file";
  std::ofstream(blocker) << "x";
  auto ledger = OwnershipLedger::open(blocker / "xfrm-owned");
  ASSERT_FALSE(ledger);
  EXPECT_EQ(ledger.error().code, ike::Errc::io_error);
  EXPECT_NE(ledger.error().reason.find(blocker.string()), std::string::npos);
}

}  // namespace
}  // namespace ikev2d::xfrm
