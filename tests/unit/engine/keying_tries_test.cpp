// keyingtries: a negotiation we started that fails (no answer, or a refusal)
// is started again on a new IKE SA until Connection::keying_tries attempts
// were made; every retry is a log line and only the last failure a `failed`
// event.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "ike/proposal/parser.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

std::vector<proposal::CryptoProposal> ike(std::string_view text) {
  auto parsed = proposal::parse_proposal(text, wire::ProtocolId::ike);
  EXPECT_TRUE(parsed) << text;
  return {*parsed};
}

std::size_t events_mentioning(const EventRecorder& recorder, std::string_view text) {
  return std::count_if(recorder.events.begin(), recorder.events.end(), [&](const sa::Event& e) {
    return e.message.find(text) != std::string::npos;
  });
}

/// IKE_SA_INIT requests west sent, grouped by SPIi (one group per attempt),
/// in the order the attempts started.
std::vector<std::vector<TraceEntry>> attempts(const TwoPeerHarness& h) {
  std::vector<std::vector<TraceEntry>> groups;
  std::map<std::uint64_t, std::size_t> index;
  for (const auto& entry : h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false)) {
    auto spi = entry.header->spi_initiator;
    auto [it, inserted] = index.emplace(spi, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(entry);
  }
  return groups;
}

void add_office(TwoPeerHarness& h, std::uint32_t keying_tries) {
  auto [west, east] = psk_connection_pair();
  west->keying_tries = keying_tries;
  h.add_connections(west, east);
  set_psk(h, "keyingtries-psk-0123456789");
}

TEST(KeyingTries, AbsentResponderGetsExactlyKeyingTriesAttemptsThenOneFailedEvent) {
  TwoPeerHarness h;
  add_office(h, 3);
  h.link().set_down(true);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until_quiet(minutes(30))) << h.dump();

  auto groups = attempts(h);
  ASSERT_EQ(groups.size(), 3u) << h.dump();
  for (const auto& group : groups)
    EXPECT_EQ(group.size(), 6u) << "each attempt retransmits as usual";
  // Each retry starts when the previous attempt gives up (165 s of silence).
  EXPECT_EQ(groups[1][0].sent_at - groups[0][0].sent_at, milliseconds(165061));
  EXPECT_EQ(groups[2][0].sent_at - groups[1][0].sent_at, milliseconds(165061));

  const auto& events = h.a().events;
  EXPECT_EQ(events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_EQ(events.events.back().kind, EventKind::failed) << "the failure is the last word";
  EXPECT_EQ(events_mentioning(events, "trying again (attempt 2 of 3)"), 1u) << h.dump();
  EXPECT_EQ(events_mentioning(events, "trying again (attempt 3 of 3)"), 1u) << h.dump();
  EXPECT_EQ(events_mentioning(events, "giving up after 3 attempts"), 1u) << h.dump();
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
  EXPECT_FALSE(h.a().engine.next_deadline());
  EXPECT_TRUE(h.a().kernel.larval.empty());
}

TEST(KeyingTries, OneTryMeansNoRetry) {
  TwoPeerHarness h;
  add_office(h, 1);
  h.link().set_down(true);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until_quiet(minutes(30))) << h.dump();
  EXPECT_EQ(attempts(h).size(), 1u);
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_EQ(events_mentioning(h.a().events, "trying again"), 0u) << h.dump();
}

TEST(KeyingTries, RefusedAttemptsAreRetriedAfterTheRetryDelay) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->keying_tries = 3;
  west->ike_proposals = ike("aes128-sha256-modp3072");
  east->ike_proposals = ike("aes256gcm16-prfsha384-ecp384");
  h.add_connections(west, east);
  set_psk(h, "keyingtries-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until_quiet(minutes(5))) << h.dump();

  auto groups = attempts(h);
  ASSERT_EQ(groups.size(), 3u) << h.dump();
  for (const auto& group : groups)
    EXPECT_EQ(group.size(), 1u) << "answered at once, no retransmission";
  sa::EngineSettings defaults;
  EXPECT_EQ(groups[1][0].sent_at - groups[0][0].sent_at, defaults.keying_retry_delay);
  EXPECT_EQ(groups[2][0].sent_at - groups[1][0].sent_at, defaults.keying_retry_delay);
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_EQ(events_mentioning(h.a().events, "MODP_3072; trying again"), 2u) << h.dump();
}

TEST(KeyingTries, AuthenticationFailedCountsAsAFailedAttempt) {
  TwoPeerHarness h;
  add_office(h, 2);
  h.a().credentials.set_psk("west-thinks-this-is-the-psk");
  h.b().credentials.set_psk("east-thinks-otherwise-0000");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until_quiet(minutes(5))) << h.dump();
  EXPECT_EQ(attempts(h).size(), 2u) << h.dump();
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_auth, false).size(), 2u);
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::ike_up), 0u);
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
  EXPECT_TRUE(h.a().kernel.larval.empty()) << "each attempt's CHILD SPI is released";
}

TEST(KeyingTries, ARetryThatSucceedsEstablishesWithoutAFailedEvent) {
  TwoPeerHarness h;
  add_office(h, 3);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  // The first attempt is lost entirely; the second gets through.
  auto first_spi = h.a().engine.ike_sas().front()->spi_i;
  h.link().set_filter([first_spi](Side, const TraceEntry& entry, ByteView) {
    return entry.header && entry.header->spi_initiator == first_spi ? LinkAction::drop
                                                                    : LinkAction::pass;
  });
  ASSERT_TRUE(
      h.run_until([&] { return h.a().events.count(EventKind::child_up) == 1; }, minutes(10)))
      << h.dump();
  EXPECT_EQ(attempts(h).size(), 2u);
  EXPECT_EQ(h.a().events.count(EventKind::failed), 0u) << h.dump();
  EXPECT_EQ(h.a().engine.ike_sas().size(), 1u);
  EXPECT_EQ(h.a().engine.ike_sas().front()->keying_attempt, 2u);
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u);
}

TEST(KeyingTries, ForeverKeepsTryingUntilTheOperatorTerminates) {
  TwoPeerHarness h;
  add_office(h, 0);
  h.link().set_down(true);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.run_for(minutes(20));
  auto tried = attempts(h).size();
  EXPECT_GE(tried, 7u) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::failed), 0u);
  EXPECT_EQ(events_mentioning(h.a().events, "of unlimited)"), tried - 1) << h.dump();

  ASSERT_TRUE(h.a().engine.terminate("office", h.now()));
  ASSERT_TRUE(h.run_until_quiet(minutes(30))) << h.dump();
  EXPECT_EQ(attempts(h).size(), tried) << "no attempt after the terminate";
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
}

TEST(KeyingTries, TerminateDropsARetryWaitingForItsTime) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->keying_tries = 3;
  west->ike_proposals = ike("aes128-sha256-modp3072");
  east->ike_proposals = ike("aes256gcm16-prfsha384-ecp384");
  h.add_connections(west, east);
  set_psk(h, "keyingtries-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  // Refused once; the retry waits keying_retry_delay. No IKE SA exists.
  ASSERT_TRUE(h.a().engine.ike_sas().empty());
  ASSERT_TRUE(h.a().engine.next_deadline());
  EXPECT_TRUE(h.a().engine.terminate("office", h.now()));
  EXPECT_FALSE(h.a().engine.next_deadline());
  ASSERT_TRUE(h.run_until_quiet(minutes(5)));
  EXPECT_EQ(attempts(h).size(), 1u);
  EXPECT_FALSE(h.a().engine.terminate("office", h.now())) << "nothing left to terminate";
}

}  // namespace
}  // namespace ike::test
