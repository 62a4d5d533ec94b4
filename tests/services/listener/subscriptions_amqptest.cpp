// The listener's consuming logic in-process against the test profile's RabbitMQ, on a topology
// of its own, with a stand-in logger and mail service: accepted messages are acked and stored
// once, 5xx goes through the 1 s retry queue and back, 4xx and malformed messages go to the
// dead queue, used-up attempts too, and messages published before any consumer ran wait.
// No timing assertions: every wait polls against a generous deadline.
#include <gtest/gtest.h>

#include "core/runtime/run.hpp"
#include "services/listener/relay.hpp"
#include "tests/services/listener/listener_test_support.hpp"
#include "wire/json/value.hpp"

namespace {

using core::Task;
using listener::Subscriptions;
using listener_test::depth;
using listener_test::depth_becomes;
using listener_test::eventually;
using listener_test::publish;
using listener_test::Rig;
using namespace std::chrono_literals;

constexpr const char* kLog = R"({"name":"event","data":"payload"})";
constexpr const char* kMail =
    R"({"from":"a@example.com","to":"b@example.com","subject":"hi","message":"hello"})";

Task<void> accepted_once(core::amqp::AmqpUrl url) {
  Rig rig(url);
  Subscriptions subs(rig.subscription_options());
  subs.start();
  EXPECT_TRUE(co_await eventually([&] { return subs.ready(); }));
  co_await publish(&rig, "log.INFO", kLog, "ok-log-1");
  co_await publish(&rig, "mail.send", kMail, "ok-mail-1");
  EXPECT_TRUE(co_await eventually([&] {
    return rig.logger.accepted["ok-log-1"] == 1 && rig.mail.accepted["ok-mail-1"] == 1;
  }));
  co_await subs.stop(5s);
  EXPECT_FALSE(subs.ready());
  EXPECT_EQ(rig.logger.calls["ok-log-1"], 1);  // acked: never delivered again
  EXPECT_EQ(rig.mail.calls["ok-mail-1"], 1);
  EXPECT_EQ(rig.logger.authorization, "Bearer test-token");
  EXPECT_EQ(rig.logger.request_id, "req-ok-log-1");
  if (!rig.logger.bodies.empty()) {
    auto body = wire::json::parse(rig.logger.bodies.front());
    EXPECT_TRUE(body && body->get("name").as_string() == "event");
  }
  if (!rig.mail.bodies.empty()) {
    auto body = wire::json::parse(rig.mail.bodies.front());
    EXPECT_TRUE(body && body->get("to").as_string() == "b@example.com");
  }
  EXPECT_TRUE(co_await listener_test::all_queues_empty(&rig));
  co_await listener_test::tear_down(&rig);
}

TEST(ListenerAmqp, AcceptedMessagesAreAckedAndStoredOnce) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(accepted_once(url));
}

Task<void> server_error_retries(core::amqp::AmqpUrl url) {
  Rig rig(url);
  rig.logger.status = 500;
  Subscriptions subs(rig.subscription_options());
  subs.start();
  co_await publish(&rig, "log.WARNING", kLog, "retry-1");
  // It waits out its second in listener.retry.1s...
  EXPECT_TRUE(co_await depth_becomes(&rig, rig.names.retry[0].name, 1));
  EXPECT_EQ(rig.logger.calls["retry-1"], 1);
  // ... and comes back to the logs queue; by then the logger recovered.
  rig.logger.status = 202;
  EXPECT_TRUE(co_await eventually([&] { return rig.logger.accepted["retry-1"] == 1; }));
  co_await subs.stop(5s);
  EXPECT_EQ(rig.logger.calls["retry-1"], 2);
  EXPECT_TRUE(co_await listener_test::all_queues_empty(&rig));
  co_await listener_test::tear_down(&rig);
}

TEST(ListenerAmqp, ServerErrorGoesThroughTheOneSecondRetryQueueAndBack) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(server_error_retries(url));
}

Task<void> refused_goes_dead(core::amqp::AmqpUrl url) {
  Rig rig(url);
  rig.mail.status = 400;
  Subscriptions subs(rig.subscription_options());
  subs.start();
  co_await publish(&rig, "mail.send", kMail, "refused-1");
  co_await publish(&rig, "log.ERROR", "{not json", "malformed-1");
  co_await publish(&rig, "log.INFO", R"({"name":"n"})", "incomplete-1");
  EXPECT_TRUE(co_await depth_becomes(&rig, rig.names.dead_queue, 3));
  co_await subs.stop(5s);
  EXPECT_EQ(rig.mail.calls["refused-1"], 1);  // never retried
  EXPECT_EQ(rig.logger.total_calls(), 0);     // malformed: never sent downstream
  for (const auto& retry : rig.names.retry) EXPECT_EQ(co_await depth(&rig, retry.name), 0u);
  EXPECT_EQ(co_await depth(&rig, rig.names.mail_queue), 0u);
  EXPECT_EQ(co_await depth(&rig, rig.names.logs_queue), 0u);
  co_await listener_test::tear_down(&rig);
}

TEST(ListenerAmqp, RefusedAndMalformedMessagesGoToTheDeadQueue) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(refused_goes_dead(url));
}

Task<void> attempts_used_up(core::amqp::AmqpUrl url) {
  Rig rig(url, /*delivery_limit=*/2);  // attempt 1 -> retry.1s, attempt 2 -> dead
  rig.logger.status = 503;
  Subscriptions subs(rig.subscription_options());
  subs.start();
  co_await publish(&rig, "log.INFO", kLog, "doomed-1");
  EXPECT_TRUE(co_await depth_becomes(&rig, rig.names.dead_queue, 1));
  co_await subs.stop(5s);
  EXPECT_EQ(rig.logger.calls["doomed-1"], 2);
  co_await listener_test::tear_down(&rig);
}

TEST(ListenerAmqp, AMessageWhoseAttemptsAreUsedUpGoesToTheDeadQueue) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(attempts_used_up(url));
}

Task<void> published_before_consumer(core::amqp::AmqpUrl url) {
  Rig rig(url);
  co_await publish(&rig, "log.INFO", kLog, "early-1");  // the publisher declared the topology
  co_await publish(&rig, "mail.send", kMail, "early-2");
  EXPECT_EQ(co_await depth(&rig, rig.names.logs_queue), 1u);
  EXPECT_EQ(co_await depth(&rig, rig.names.mail_queue), 1u);
  Subscriptions subs(rig.subscription_options());
  subs.start();
  EXPECT_TRUE(co_await eventually([&] {
    return rig.logger.accepted["early-1"] == 1 && rig.mail.accepted["early-2"] == 1;
  }));
  co_await subs.stop(5s);
  EXPECT_TRUE(co_await listener_test::all_queues_empty(&rig));
  co_await listener_test::tear_down(&rig);
}

TEST(ListenerAmqp, AMessagePublishedWhileNoConsumerRanIsDeliveredWhenItStarts) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(published_before_consumer(url));
}

Task<void> rabbit_unreachable(core::amqp::AmqpUrl url) {
  Rig rig(url);
  auto options = rig.subscription_options();
  options.url.port = 1;  // nothing listens there
  Subscriptions subs(options);
  subs.start();
  // Keeps trying without giving up, and is not ready meanwhile.
  EXPECT_TRUE(co_await eventually([&] { return !subs.connection().last_error().empty(); }));
  EXPECT_FALSE(subs.ready());
  co_await subs.stop(2s);
  co_await listener_test::tear_down(&rig);
}

TEST(ListenerAmqp, NotReadyWhileRabbitMqIsUnreachableAndStopsCleanly) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(rabbit_unreachable(url));
}

}  // namespace
