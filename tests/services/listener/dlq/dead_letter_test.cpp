// What scripts/dlq shows of a dead letter, and what a replay keeps and drops.
#include "services/listener/dlq/dead_letter.hpp"

#include <gtest/gtest.h>

#include "core/amqp/retry.hpp"
#include "services/listener/relay.hpp"

namespace {

using core::amqp::FieldTable;
using core::amqp::FieldValue;
using listener::dlq::DeadLetter;

FieldValue death(const std::string& queue, const std::string& reason, std::int64_t count) {
  return FieldValue::table({{"queue", FieldValue::string(queue)},
                            {"reason", FieldValue::string(reason)},
                            {"count", FieldValue::integer(count)},
                            {"exchange", FieldValue::string("logs_topic")}});
}

core::amqp::Delivery dead_delivery() {
  core::amqp::Delivery d;
  d.message_id = "m-1";
  d.routing_key = "log.ERROR";
  d.body = R"({"name":"n","data":"d"})";
  d.properties.message_id = "m-1";
  d.properties.header("request_id", "req-9");
  d.properties.header(std::string(listener::kDeadReasonHeader), "attempts used up (5): logger answered 503");
  core::amqp::set_field(d.properties.headers, std::string(wire::amqp::kAttemptsHeader),
                        FieldValue::integer(5));
  core::amqp::set_field(d.properties.headers, std::string(wire::amqp::kRetryQueueHeader),
                        FieldValue::string("listener.retry.60s"));
  FieldValue x_death = FieldValue::array({death("listener.retry.60s", "expired", 2),
                                          death("listener.retry.10s", "expired", 1),
                                          death("listener.retry.1s", "expired", 1)});
  core::amqp::set_field(d.properties.headers, "x-death", x_death);
  d.properties.header("x-first-death-reason", "expired");
  d.properties.header("x-first-death-queue", "listener.retry.1s");
  d.properties.header("x-last-death-reason", "expired");
  d.x_death = core::amqp::x_death_records(d.properties.headers);
  return d;
}

TEST(DeadLetter, DescribesIdKeyReasonAttemptsAndBody) {
  DeadLetter l = listener::dlq::describe(dead_delivery(), wire::amqp::names());
  EXPECT_EQ(l.message_id, "m-1");
  EXPECT_EQ(l.routing_key, "log.ERROR");
  EXPECT_EQ(l.reason, "attempts used up (5): logger answered 503");
  EXPECT_EQ(l.attempts, 5);
  EXPECT_EQ(l.body, R"({"name":"n","data":"d"})");
}

TEST(DeadLetter, RabbitMqsOwnReasonWhenTheListenerGaveNone) {
  core::amqp::Delivery d;
  d.message_id = "m-2";
  d.routing_key = "mail.send";
  d.properties.header("x-first-death-reason", "delivery_limit");
  DeadLetter l = listener::dlq::describe(d, wire::amqp::names());
  EXPECT_EQ(l.reason, "rabbitmq: delivery_limit");
  EXPECT_EQ(l.attempts, 0);
}

TEST(DeadLetter, OneLinePerLetterWithAnExcerpt) {
  DeadLetter l{"m-1", "log.INFO", "logger answered 400: bad", 1, "line one\nline two"};
  EXPECT_EQ(listener::dlq::format_line(l),
            "m-1  log.INFO  attempts=1  reason=\"logger answered 400: bad\"  body=line one line two");
  l.body = std::string(100, 'x');
  EXPECT_EQ(listener::dlq::format_line(l, 10),
            "m-1  log.INFO  attempts=1  reason=\"logger answered 400: bad\"  body=xxxxxxxxxx...");
  DeadLetter empty{"", "log.INFO", "", 0, ""};
  EXPECT_EQ(listener::dlq::format_line(empty), "-  log.INFO  attempts=0  reason=\"-\"  body=");
}

TEST(DeadLetter, TheExcerptNeverCutsACharacterInTwo) {
  DeadLetter l{"m", "log.INFO", "r", 0, "ab\xC3\xA9" "cd"};  // "abécd"
  EXPECT_EQ(listener::dlq::format_line(l, 3), "m  log.INFO  attempts=0  reason=\"r\"  body=ab...");
  EXPECT_EQ(listener::dlq::format_line(l, 4),
            "m  log.INFO  attempts=0  reason=\"r\"  body=ab\xC3\xA9...");
}

TEST(DeadLetter, AReplayKeepsIdAndHeadersButNotTheRetryState) {
  core::amqp::Properties p = listener::dlq::replay_properties(dead_delivery().properties);
  EXPECT_EQ(p.message_id, "m-1");
  EXPECT_TRUE(p.persistent);
  ASSERT_EQ(p.headers.size(), 1u);
  EXPECT_EQ(p.headers[0].first, "request_id");
  // With its history gone the retry plan starts over at attempt 1.
  core::amqp::Delivery replayed;
  replayed.properties = p;
  replayed.x_death = core::amqp::x_death_records(p.headers);
  EXPECT_EQ(core::amqp::attempt_of(replayed, wire::amqp::names()), 1);
}

}  // namespace
