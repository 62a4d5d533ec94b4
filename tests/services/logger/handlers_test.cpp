#include "services/logger/handlers.hpp"

#include <gtest/gtest.h>

namespace {

TEST(LoggerLimit, DefaultsAndBounds) {
  EXPECT_EQ(logger::parse_limit(std::nullopt).value(), 50u);
  EXPECT_EQ(logger::parse_limit(std::string("1")).value(), 1u);
  EXPECT_EQ(logger::parse_limit(std::string("1000")).value(), 1000u);
  for (const char* bad : {"0", "1001", "-1", "ten", "5x", ""}) {
    auto r = logger::parse_limit(std::string(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, 400);
    EXPECT_EQ(r.error().message, "limit must be an integer between 1 and 1000");
  }
}

TEST(LoggerIdempotencyKey, AbsentValidInvalid) {
  EXPECT_EQ(logger::parse_idempotency_key(nullptr).value(), "");
  std::string ok = "msg-0f3a";
  EXPECT_EQ(logger::parse_idempotency_key(&ok).value(), "msg-0f3a");
  for (std::string bad : {std::string(""), std::string("has space"), std::string(129, 'a'), std::string("tab\there")}) {
    EXPECT_FALSE(logger::parse_idempotency_key(&bad).ok()) << bad;
  }
}

TEST(LoggerStore, DocumentCarriesIdAndDates) {
  auto doc = logger::make_document({"event", "data"}, "key-1", 1'700'000'000'123);
  EXPECT_EQ(doc.get("_id").as_string().value(), "key-1");
  EXPECT_EQ(doc.get("name").as_string().value(), "event");
  EXPECT_EQ(doc.get("created_at").dump(), doc.get("updated_at").dump());
  EXPECT_FALSE(logger::make_document({"event", "data"}, "", 1).get("_id").present());
}

TEST(LoggerStore, RecentQueryIsNaturalOrderNewestFirst) {
  auto q = logger::recent_query(20, std::string("event"));
  EXPECT_EQ(q.sort.dump(), R"({"$natural":-1})");
  EXPECT_EQ(q.filter.dump(), R"({"name":"event"})");
  EXPECT_EQ(q.limit, 20);
  EXPECT_EQ(logger::recent_query(5, std::nullopt).filter.dump(), "{}");
}

}  // namespace
