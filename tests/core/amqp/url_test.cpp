#include "core/amqp/url.hpp"

#include <gtest/gtest.h>

#include "core/amqp/table.hpp"

namespace {

using core::amqp::parse_amqp_url;

TEST(AmqpUrl, FullUrl) {
  auto u = parse_amqp_url("amqp://user:p%40ss@rabbit.local:5673/my%2Fvhost");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "rabbit.local");
  EXPECT_EQ(u->port, 5673);
  EXPECT_EQ(u->user, "user");
  EXPECT_EQ(u->password, "p@ss");
  EXPECT_EQ(u->vhost, "my/vhost");
  EXPECT_EQ(u->redacted(), "amqp://user@rabbit.local:5673/my/vhost");
}

TEST(AmqpUrl, Defaults) {
  for (const char* text :
       {"amqp://guest:guest@127.0.0.1:55672/", "amqp://guest:guest@127.0.0.1:55672"}) {
    auto u = parse_amqp_url(text);
    ASSERT_TRUE(u) << text;
    EXPECT_EQ(u->vhost, "/") << text;
    EXPECT_EQ(u->port, 55672);
  }
  auto u = parse_amqp_url("amqp://rabbitmq");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 5672);
  EXPECT_EQ(u->user, "guest");
  EXPECT_EQ(u->password, "guest");
  EXPECT_EQ(parse_amqp_url("amqp://h/%2F")->vhost, "/");
  EXPECT_EQ(parse_amqp_url("amqp://[::1]:5672/")->host, "::1");
}

TEST(AmqpUrl, Refused) {
  EXPECT_FALSE(parse_amqp_url(""));
  EXPECT_FALSE(parse_amqp_url("http://h/"));
  EXPECT_FALSE(parse_amqp_url("amqps://h/"));
  EXPECT_FALSE(parse_amqp_url("amqp://h:0/"));
  EXPECT_FALSE(parse_amqp_url("amqp://h/a/b"));
  EXPECT_FALSE(parse_amqp_url("amqp://u:%zz@h/"));
  EXPECT_FALSE(parse_amqp_url("amqp://h/%4"));
  EXPECT_FALSE(parse_amqp_url("amqp://h1,h2/"));
}

TEST(AmqpTable, XDeathRecordsAndFields) {
  using core::amqp::FieldValue;
  core::amqp::FieldTable headers;
  core::amqp::set_field(headers, "request_id", FieldValue::string("r"));
  core::amqp::set_field(
      headers, "x-death",
      FieldValue::array({FieldValue::table({{"queue", FieldValue::string("listener.retry.1s")},
                                            {"reason", FieldValue::string("expired")},
                                            {"count", FieldValue::integer(2)}}),
                         FieldValue::string("garbage")}));
  const auto records = core::amqp::x_death_records(headers);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].queue, "listener.retry.1s");
  EXPECT_EQ(records[0].reason, "expired");
  EXPECT_EQ(records[0].count, 2);
  core::amqp::set_field(headers, "request_id", FieldValue::string("s"));
  EXPECT_EQ(headers.size(), 2u);
  EXPECT_EQ(*core::amqp::find_field(headers, "request_id")->as_string(), "s");
  core::amqp::erase_field(headers, "request_id");
  EXPECT_EQ(core::amqp::find_field(headers, "request_id"), nullptr);
  EXPECT_EQ(FieldValue::timestamp(5).as_integer(), 5);
}

}  // namespace
