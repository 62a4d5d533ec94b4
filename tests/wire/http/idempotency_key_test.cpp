#include "wire/http/idempotency_key.hpp"

#include <gtest/gtest.h>

namespace wire::http {
namespace {

TEST(IdempotencyKey, VisibleAsciiUpTo128) {
  EXPECT_TRUE(is_valid_idempotency_key("msg-0f3a"));
  EXPECT_TRUE(is_valid_idempotency_key(std::string(128, 'k')));
  EXPECT_TRUE(is_valid_idempotency_key("!~"));
  EXPECT_FALSE(is_valid_idempotency_key(""));
  EXPECT_FALSE(is_valid_idempotency_key(std::string(129, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key("a b"));
  EXPECT_FALSE(is_valid_idempotency_key("a\tb"));
  EXPECT_FALSE(is_valid_idempotency_key("a\x7f"));
  EXPECT_FALSE(is_valid_idempotency_key("caf\xc3\xa9"));
}

TEST(IdempotencyKey, HeaderAbsentIsEmptyAndABadOneIs400) {
  EXPECT_EQ(parse_idempotency_key(nullptr).value(), "");
  std::string ok = "id-1";
  EXPECT_EQ(parse_idempotency_key(&ok).value(), "id-1");
  std::string bad = "two words";
  auto r = parse_idempotency_key(&bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_NE(r.error().message.find("Idempotency-Key"), std::string::npos);
}

}  // namespace
}  // namespace wire::http
