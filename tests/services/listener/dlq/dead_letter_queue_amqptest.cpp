// scripts/dlq's work against the test profile's RabbitMQ: dead letters are listed in order and
// stay where they were (listing twice shows the same), a replay brings one back to the main
// exchange with its message_id (the stand-in logger sees the same Idempotency-Key) and acks it
// only then, and replaying all empties the dead queue.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/runtime/run.hpp"
#include "services/listener/dlq/dead_letter_queue.hpp"
#include "tests/services/listener/listener_test_support.hpp"

namespace {

using core::Task;
using listener_test::depth;
using listener_test::depth_becomes;
using listener_test::eventually;
using listener_test::publish;
using listener_test::Rig;
using namespace std::chrono_literals;

constexpr const char* kLog = R"({"name":"dead","data":"letter"})";

std::vector<std::string> ids_of(const std::vector<listener::dlq::DeadLetter>& letters) {
  std::vector<std::string> ids;
  for (const auto& l : letters) ids.push_back(l.message_id);
  return ids;
}

listener::dlq::QueueOptions queue_options(const Rig& rig) {
  listener::dlq::QueueOptions o;
  o.url = rig.url;
  o.prefix = rig.prefix;
  o.delivery_limit = rig.limit;
  o.timeout = 15s;
  return o;
}

Task<void> list_and_replay(core::amqp::AmqpUrl url) {
  Rig rig(url);
  rig.logger.status = 400;  // every log entry is refused for good: it goes to the dead queue
  listener::Subscriptions subs(rig.subscription_options());
  subs.start();
  for (const char* id : {"dead-1", "dead-2", "dead-3"}) co_await publish(&rig, "log.ERROR", kLog, id);
  EXPECT_TRUE(co_await depth_becomes(&rig, rig.names.dead_queue, 3));
  const auto o = queue_options(rig);
  EXPECT_EQ(co_await listener::dlq::count_dead_letters(o), 3u);

  // Listing leaves every dead letter in place, in its order.
  const std::vector<std::string> all{"dead-1", "dead-2", "dead-3"};
  auto first = co_await listener::dlq::list_dead_letters(o, 100);
  EXPECT_EQ(first.total, 3u);
  EXPECT_EQ(ids_of(first.letters), all);
  if (!first.letters.empty()) {
    EXPECT_EQ(first.letters[0].routing_key, "log.ERROR");
    EXPECT_EQ(first.letters[0].attempts, 1);
    EXPECT_EQ(first.letters[0].reason, "logger answered 400: told to refuse");
    EXPECT_EQ(first.letters[0].body, kLog);
  }
  auto again = co_await listener::dlq::list_dead_letters(o, 100);
  EXPECT_EQ(ids_of(again.letters), all);
  auto two = co_await listener::dlq::list_dead_letters(o, 2);
  EXPECT_EQ(two.total, 3u);
  EXPECT_EQ(ids_of(two.letters), (std::vector<std::string>{"dead-1", "dead-2"}));
  EXPECT_EQ(co_await depth(&rig, rig.names.dead_queue), 3u);

  // Replaying one: back on the main exchange under its key and message_id, stored once.
  rig.logger.status = 202;
  auto one = co_await listener::dlq::replay_dead_letters(o, std::string("dead-2"));
  EXPECT_EQ(ids_of(one.replayed), std::vector<std::string>{"dead-2"});
  EXPECT_TRUE(one.failed.empty());
  EXPECT_TRUE(co_await eventually([&] { return rig.logger.accepted["dead-2"] == 1; }));
  auto rest = co_await listener::dlq::list_dead_letters(o, 100);
  EXPECT_EQ(ids_of(rest.letters), (std::vector<std::string>{"dead-1", "dead-3"}));

  // A message_id that is not there replays nothing and leaves the rest alone.
  auto none = co_await listener::dlq::replay_dead_letters(o, std::string("no-such-id"));
  EXPECT_TRUE(none.replayed.empty());
  EXPECT_EQ(co_await depth(&rig, rig.names.dead_queue), 2u);

  // Replaying all empties the dead queue.
  auto everything = co_await listener::dlq::replay_dead_letters(o, std::nullopt);
  auto replayed = ids_of(everything.replayed);
  std::sort(replayed.begin(), replayed.end());
  EXPECT_EQ(replayed, (std::vector<std::string>{"dead-1", "dead-3"}));
  EXPECT_TRUE(co_await eventually([&] {
    return rig.logger.accepted["dead-1"] == 1 && rig.logger.accepted["dead-3"] == 1;
  }));
  co_await subs.stop(5s);
  EXPECT_EQ(rig.logger.accepted["dead-2"], 1);
  EXPECT_TRUE(co_await listener_test::all_queues_empty(&rig));
  co_await listener_test::tear_down(&rig);
}

TEST(DeadLetterQueue, ListsWithoutTakingAndReplaysWithTheSameMessageId) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(list_and_replay(url));
}

Task<void> empty_queue(core::amqp::AmqpUrl url) {
  Rig rig(url);
  const auto o = queue_options(rig);
  EXPECT_EQ(co_await listener::dlq::count_dead_letters(o), 0u);
  auto listing = co_await listener::dlq::list_dead_letters(o, 10);
  EXPECT_EQ(listing.total, 0u);
  EXPECT_TRUE(listing.letters.empty());
  auto replay = co_await listener::dlq::replay_dead_letters(o, std::nullopt);
  EXPECT_TRUE(replay.replayed.empty());
  co_await listener_test::tear_down(&rig);
}

TEST(DeadLetterQueue, AnEmptyDeadQueueListsAndReplaysNothing) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(empty_queue(url));
}

}  // namespace
