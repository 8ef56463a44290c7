#include <gtest/gtest.h>

#include <set>
#include <string>

#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::wire {
namespace {

template <class Enum>
void expect_every_value_named_uniquely() {
  std::set<std::string> seen;
  for (Enum value : all_values(Enum{})) {
    auto text = name(value);
    EXPECT_FALSE(text.empty()) << static_cast<unsigned>(value);
    EXPECT_TRUE(seen.insert(std::string(text)).second) << "duplicate name " << text;
  }
}

TEST(Names, EveryRegistryValueHasAUniqueName) {
  expect_every_value_named_uniquely<ExchangeType>();
  expect_every_value_named_uniquely<PayloadType>();
  expect_every_value_named_uniquely<NotifyType>();
  expect_every_value_named_uniquely<TransformType>();
  expect_every_value_named_uniquely<EncryptionAlgorithm>();
  expect_every_value_named_uniquely<PrfAlgorithm>();
  expect_every_value_named_uniquely<IntegrityAlgorithm>();
  expect_every_value_named_uniquely<KeGroup>();
  expect_every_value_named_uniquely<EsnMode>();
  expect_every_value_named_uniquely<ProtocolId>();
  expect_every_value_named_uniquely<IdType>();
  expect_every_value_named_uniquely<AuthMethod>();
  expect_every_value_named_uniquely<CertEncoding>();
  expect_every_value_named_uniquely<TsType>();
  expect_every_value_named_uniquely<CfgType>();
  expect_every_value_named_uniquely<HashAlgorithm>();
}

TEST(Names, KnownValuesMatchTheIanaRegistry) {
  EXPECT_EQ(name(ExchangeType::ike_auth), "IKE_AUTH");
  EXPECT_EQ(static_cast<int>(PayloadType::encrypted_fragment), 53);
  EXPECT_EQ(static_cast<int>(NotifyType::signature_hash_algorithms), 16431);
  EXPECT_EQ(static_cast<int>(EncryptionAlgorithm::chacha20_poly1305), 28);
  EXPECT_EQ(static_cast<int>(KeGroup::curve448), 32);
  EXPECT_TRUE(is_error(NotifyType::ts_unacceptable));
  EXPECT_FALSE(is_error(NotifyType::cookie));
}

TEST(Names, UnknownValuesFallBackToNumbers) {
  EXPECT_EQ(to_string(static_cast<NotifyType>(4242)), "NotifyType(4242)");
  EXPECT_EQ(to_string(PayloadType::nonce), "N(once)");
}

TEST(Names, EveryErrcHasAName) {
  for (int code = static_cast<int>(Errc::invalid_syntax); code <= static_cast<int>(Errc::io_error);
       ++code) {
    EXPECT_STRNE(errc_name(static_cast<Errc>(code)), "unknown") << code;
  }
  std::error_code ec = Errc::integrity_check_failed;
  EXPECT_EQ(ec.message(), "integrity_check_failed");
  EXPECT_STREQ(ec.category().name(), "ike");
}

}  // namespace
}  // namespace ike::wire
