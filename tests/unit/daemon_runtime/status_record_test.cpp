#include <gtest/gtest.h>

#include <chrono>

#include <nlohmann/json.hpp>
#include "ike/sa/engine.hpp"
#include "ike/ts/subnet_syntax.hpp"

#include "runtime/status_record.hpp"
#include "support/engine_fixtures.hpp"
#include "support/fake_kernel.hpp"
#include "support/test_random.hpp"

namespace ikev2d::runtime {
namespace {

using namespace ike;
using namespace ike::sa;

struct Peer {
  Peer(std::uint64_t seed, std::uint32_t first_spi)
      : random(seed), kernel(first_spi), engine({}, random, kernel, events, credentials) {}
  test::SeededRandom random;
  test::FakeKernel kernel;
  test::EventRecorder events;
  test::MemoryCredentials credentials;
  Engine engine;
};

ConnectionPtr connection(const char* local, const char* remote, const char* local_id,
                         const char* remote_id, const char* local_net, const char* remote_net) {
  auto conn = std::make_shared<Connection>();
  conn->name = "office";
  conn->local_address = *IpAddress::parse(local);
  conn->remote_address = *IpAddress::parse(remote);
  conn->local_id = *pki::Identity::parse(local_id);
  conn->remote_id = *pki::Identity::parse(remote_id);
  ChildConfig child;
  child.name = "net";
  child.local_ts = *ts::parse_subnet_list(local_net);
  child.remote_ts = *ts::parse_subnet_list(remote_net);
  conn->children.push_back(child);
  return conn;
}

void pump(Peer& a, Peer& b, MonoTime now) {
  for (bool progress = true; progress;) {
    progress = false;
    while (auto out = a.engine.poll_transmit()) {
      b.engine.handle_datagram(Datagram{out->remote, out->local, out->bytes}, now);
      progress = true;
    }
    while (auto out = b.engine.poll_transmit()) {
      a.engine.handle_datagram(Datagram{out->remote, out->local, out->bytes}, now);
      progress = true;
    }
  }
}

TEST(StatusRecord, EstablishedSaWithChildAndKernelCounters) {
  Peer west(1, 0xa0000001), east(2, 0xb0000001);
  west.credentials.set_psk("status-test-psk-0123456789");
  east.credentials.set_psk("status-test-psk-0123456789");
  west.engine.add_connection(connection("10.77.0.2", "10.77.0.1", "west.example", "east.example",
                                        "10.77.2.0/24", "10.77.1.0/24"));
  east.engine.add_connection(connection("10.77.0.1", "10.77.0.2", "east.example", "west.example",
                                        "10.77.1.0/24", "10.77.2.0/24"));
  MonoTime start{};
  ASSERT_TRUE(west.engine.initiate("office", "", start));
  pump(west, east, start);
  ASSERT_EQ(west.engine.ike_sas().size(), 1u) << west.events.dump();
  const IkeSa& sa = *west.engine.ike_sas().front();
  ASSERT_EQ(sa.children.size(), 1u);

  IdentityTexts identities;
  auto record = nlohmann::json::parse(
      ike_sa_record(sa, &west.kernel, start + std::chrono::seconds(42), identities));
  EXPECT_EQ(record["type"], "ike_sa");
  EXPECT_EQ(record["connection"], "office");
  EXPECT_EQ(record["serial"], sa.serial);
  EXPECT_EQ(record["state"], "ESTABLISHED");  // the engine's state names
  EXPECT_EQ(record["initiator"], true);
  EXPECT_EQ(record["spi_i"].get<std::string>().size(), 16u);
  EXPECT_EQ(record["spi_r"].get<std::string>().size(), 16u);
  EXPECT_NE(record["spi_r"], "0000000000000000");
  EXPECT_EQ(record["local"], "10.77.0.2[500]");
  EXPECT_EQ(record["remote"], "10.77.0.1[500]");
  EXPECT_EQ(record["local_id"], "west.example");
  EXPECT_EQ(record["remote_id"], "east.example");
  EXPECT_FALSE(record["algorithms"].get<std::string>().empty());
  EXPECT_EQ(record["established_seconds"], 42);
  EXPECT_TRUE(record["rekey_in_seconds"].is_number());
  EXPECT_EQ(record["nat_local"], false);
  EXPECT_EQ(record["nat_remote"], false);
  ASSERT_EQ(record["children"].size(), 1u);
  const auto& child = record["children"][0];
  EXPECT_EQ(child["name"], "net");
  EXPECT_EQ(child["state"], "INSTALLED");
  EXPECT_EQ(child["mode"], "tunnel");
  EXPECT_EQ(child["reqid"], sa.children[0].reqid);
  char spi_in[9];
  std::snprintf(spi_in, sizeof spi_in, "%08x", sa.children[0].spi_in);
  EXPECT_EQ(child["spi_in"], spi_in);
  EXPECT_EQ(child["local_ts"], nlohmann::json::array({"10.77.2.0/24"}));
  EXPECT_EQ(child["remote_ts"], nlohmann::json::array({"10.77.1.0/24"}));
  EXPECT_EQ(child["encapsulated"], false);
  EXPECT_FALSE(child["algorithms"].get<std::string>().empty());
  for (const char* counter : {"bytes_in", "packets_in", "bytes_out", "packets_out"}) {
    EXPECT_TRUE(child[counter].is_number_unsigned()) << counter;
  }
  // The schema of command.hpp, field by field.
  for (const char* field :
       {"type", "connection", "serial", "state", "initiator", "spi_i", "spi_r", "local", "remote",
        "local_id", "remote_id", "algorithms", "established_seconds", "rekey_in_seconds",
        "nat_local", "nat_remote", "children"}) {
    EXPECT_TRUE(record.contains(field)) << field;
  }
  // Without a kernel, counters are zero.
  auto without = nlohmann::json::parse(ike_sa_record(sa, nullptr, start, identities));
  EXPECT_EQ(without["children"][0]["bytes_in"], 0);
}

TEST(StatusRecord, HalfOpenSaHasNoAlgorithmsOrUptime) {
  auto conn =
      connection("10.0.0.1", "10.0.0.2", "a.example", "b.example", "10.1.0.0/16", "10.2.0.0/16");
  IkeSa sa(7, conn, true);
  sa.state = IkeState::connecting;
  sa.local = {*IpAddress::parse("10.0.0.1"), 500};
  sa.remote = {*IpAddress::parse("2001:db8::2"), 4500};
  sa.spi_i = 0x0123456789abcdefULL;
  IdentityTexts identities;
  auto record = nlohmann::json::parse(
      ike_sa_record(sa, nullptr, MonoTime{} + std::chrono::hours(1), identities));
  EXPECT_EQ(record["state"], "CONNECTING");
  EXPECT_EQ(record["spi_i"], "0123456789abcdef");
  EXPECT_EQ(record["spi_r"], "0000000000000000");
  EXPECT_EQ(record["remote"], "2001:db8::2[4500]");
  EXPECT_EQ(record["algorithms"], "");
  EXPECT_EQ(record["established_seconds"], 0);
  EXPECT_TRUE(record["rekey_in_seconds"].is_null());
  EXPECT_TRUE(record["children"].empty());
}

TEST(StatusRecord, IdentityTextsAreTheIdentitiesOwn) {
  IdentityTexts identities;
  auto dn = *ike::pki::Identity::parse("C=CH, O=ikev2d, CN=moon.example");
  auto fqdn = *ike::pki::Identity::parse("@moon.example");
  auto address = *ike::pki::Identity::parse("10.0.0.1");
  EXPECT_EQ(identities.of(dn), dn.to_string());
  EXPECT_EQ(identities.of(fqdn), "moon.example");
  EXPECT_EQ(identities.of(address), "10.0.0.1");
  EXPECT_EQ(identities.of(dn), dn.to_string());  // from the cache now
  // The same data under another type is another identity.
  ike::pki::Identity key_id{ike::wire::IdType::key_id, fqdn.data};
  EXPECT_EQ(identities.of(key_id), key_id.to_string());
  EXPECT_NE(key_id.to_string(), fqdn.to_string());
  // Past its bound it starts over, and stays right.
  for (int i = 0; i < 5000; ++i) {
    auto id = *ike::pki::Identity::parse("@host" + std::to_string(i) + ".example");
    ASSERT_EQ(identities.of(id), id.to_string());
  }
  EXPECT_EQ(identities.of(dn), dn.to_string());
}

TEST(StatusRecord, HundredThousandSasSerialize) {
  auto conn =
      connection("10.0.0.1", "10.0.0.2", "a.example", "b.example", "10.1.0.0/16", "10.2.0.0/16");
  std::vector<std::unique_ptr<IkeSa>> sas;
  sas.reserve(100'000);
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    auto sa = std::make_unique<IkeSa>(i + 1, conn, true);
    sa->state = IkeState::established;
    sa->spi_i = 0x1000000000000000ULL + i;
    sa->spi_r = 0x2000000000000000ULL + i;
    sa->local = {*IpAddress::parse("10.0.0.1"), 500};
    sa->remote = {*IpAddress::parse("10.0.0.2"), 500};
    ChildSa child;
    child.serial = i + 1;
    child.config = &conn->children[0];
    child.state = ChildState::installed;
    child.reqid = 1;
    child.spi_in = 0xc0000000u + i;
    child.spi_out = 0xd0000000u + i;
    child.local_ts = {ts::TrafficSelector::from_prefix(*IpPrefix::parse("10.1.0.0/16"))};
    child.remote_ts = {ts::TrafficSelector::from_prefix(*IpPrefix::parse("10.2.0.0/16"))};
    sa->children.push_back(std::move(child));
    sas.push_back(std::move(sa));
  }
  test::FakeKernel kernel;
  IdentityTexts identities;
  std::size_t bytes = 0;
  for (const auto& sa : sas)
    bytes += ike_sa_record(*sa, &kernel, MonoTime{}, identities).size() + 1;
  EXPECT_GT(bytes, 100'000u * 300);
}

}  // namespace
}  // namespace ikev2d::runtime
