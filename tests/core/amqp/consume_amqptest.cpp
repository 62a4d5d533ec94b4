// Consuming with manual acks against a real RabbitMQ: 10,000 messages none lost or
// duplicated, redelivery after the consumer's socket dies, headers and properties round trip,
// graceful stop returning unstarted deliveries to the queue, close() stopping every consumer
// at once.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <vector>

#include "core/amqp/error.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "tests/core/amqp/amqp_test_support.hpp"

namespace {

using core::Task;
using core::amqp::Delivery;
using core::amqp::Outcome;
using namespace std::chrono_literals;

struct Seen {
  std::map<std::string, int> by_id;
  int total = 0;
  int redelivered = 0;
  std::vector<Delivery> kept;
};

Task<Outcome> count_and_ack(Seen* seen, Delivery& d) {
  ++seen->by_id[d.message_id];
  ++seen->total;
  if (d.redelivered) ++seen->redelivered;
  co_return Outcome::ack;
}

Task<void> publish_many(core::amqp::Publisher* p, std::string exchange, std::string key, int from,
                        int to, int* failures) {
  for (int i = from; i < to; ++i) {
    core::amqp::Properties props;
    props.message_id = "id-" + std::to_string(i);
    try {
      co_await p->publish(exchange, key, R"({"name":"n","data":"d"})", std::move(props));
    } catch (const std::exception&) {
      ++*failures;
    }
  }
}

Task<void> wait_until(const int* value, int target, core::Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (*value < target && std::chrono::steady_clock::now() < deadline) co_await core::sleep(10ms);
}

Task<void> ten_thousand(core::amqp::AmqpUrl url) {
  constexpr int kCount = 10'000;
  amqp_test::TestQueue tq(amqp_test::unique_prefix(), /*quorum=*/true);
  core::amqp::Connection conn(amqp_test::options(url, tq.topology));
  conn.start();
  co_await conn.wait_open(10s);

  Seen seen;
  conn.consume(tq.queue, 256, [&seen](Delivery& d) { return count_and_ack(&seen, d); });
  co_await conn.wait_ready(10s);

  // 8 publishers in parallel, each awaiting its confirms in turn: pipelined across them.
  int failures = 0;
  constexpr int kPublishers = 8;
  for (int p = 0; p < kPublishers; ++p) {
    core::spawn(publish_many(&conn.publisher(), tq.exchange, tq.routing_key,
                             p * kCount / kPublishers, (p + 1) * kCount / kPublishers, &failures));
  }
  co_await wait_until(&seen.total, kCount, 60s);
  co_await core::sleep(300ms);  // any duplicate would show up now

  EXPECT_EQ(failures, 0);
  EXPECT_EQ(seen.total, kCount);
  EXPECT_EQ(seen.by_id.size(), static_cast<std::size_t>(kCount));
  int duplicates = 0;
  for (const auto& [id, n] : seen.by_id) duplicates += n > 1;
  EXPECT_EQ(duplicates, 0);
  co_await conn.close();
  EXPECT_EQ(co_await core::amqp::queue_depth(url, tq.queue, amqp_test::admin_pool()), 0u);
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
}

TEST(AmqpConsume, TenThousandNoneLostOrDuplicated) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(ten_thousand(url));
}

// The first delivery never finishes before the socket dies; after the reconnect the broker
// delivers it again with redelivered set.
struct Stall {
  Seen seen;
  bool release = false;
};

Task<Outcome> stall_first(Stall* s, Delivery& d) {
  ++s->seen.total;
  if (d.redelivered) ++s->seen.redelivered;
  if (s->seen.total == 1) {
    while (!s->release) co_await core::sleep(10ms);
  }
  co_return Outcome::ack;
}

Task<void> redelivery(core::amqp::AmqpUrl url) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix(), /*quorum=*/true);
  core::amqp::Connection publisher(amqp_test::options(url, tq.topology));
  publisher.start();
  co_await publisher.wait_open(10s);
  core::amqp::Properties props;
  props.message_id = "once";
  co_await publisher.publisher().publish(tq.exchange, tq.routing_key, "{}", props);

  auto options = amqp_test::options(url, tq.topology);
  options.backoff_initial = 50ms;
  core::amqp::Connection conn(options);
  Stall stall;
  conn.consume(tq.queue, 10, [&stall](Delivery& d) { return stall_first(&stall, d); });
  conn.start();
  co_await conn.wait_ready(10s);
  co_await wait_until(&stall.seen.total, 1, 10s);
  EXPECT_EQ(stall.seen.redelivered, 0);

  conn.abort_socket();  // the broker sees the connection die with the message unacked
  co_await wait_until(&stall.seen.total, 2, 15s);
  stall.release = true;
  EXPECT_EQ(stall.seen.total, 2);
  EXPECT_EQ(stall.seen.redelivered, 1);
  EXPECT_GE(conn.connects(), 2u);
  co_await conn.close();
  co_await publisher.close();
  EXPECT_EQ(co_await core::amqp::queue_depth(url, tq.queue, amqp_test::admin_pool()), 0u);
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
}

TEST(AmqpConsume, RedeliveredAfterConsumerSocketKilled) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(redelivery(url));
}

Task<Outcome> keep(Seen* seen, Delivery& d) {
  ++seen->total;
  seen->kept.push_back(d);
  co_return Outcome::ack;
}

Task<void> headers_round_trip(core::amqp::AmqpUrl url) {
  using core::amqp::FieldValue;
  amqp_test::TestQueue tq(amqp_test::unique_prefix());
  core::amqp::Connection conn(amqp_test::options(url, tq.topology));
  Seen seen;
  conn.consume(tq.queue, 4, [&seen](Delivery& d) { return keep(&seen, d); });
  conn.start();
  co_await conn.wait_ready(10s);

  core::amqp::Properties props;
  props.message_id = "mid-1";
  props.correlation_id = "corr";
  props.timestamp = 1700000000;
  props.header("request_id", "req-42").header("traceparent", "00-abc-def-01");
  core::amqp::set_field(
      props.headers, "nested",
      FieldValue::table(
          {{"n", FieldValue::integer(7)},
           {"list", FieldValue::array({FieldValue::string("a"), FieldValue::boolean(true)})}}));
  std::string body(300'000, 'x');  // several body frames
  co_await conn.publisher().publish(tq.exchange, tq.routing_key, body, props);
  co_await wait_until(&seen.total, 1, 10s);

  EXPECT_EQ(seen.total, 1);
  if (!seen.kept.empty()) {
    const Delivery& d = seen.kept.front();
    EXPECT_EQ(d.body, body);
    EXPECT_EQ(d.message_id, "mid-1");
    EXPECT_EQ(d.routing_key, tq.routing_key);
    EXPECT_EQ(d.exchange, tq.exchange);
    EXPECT_EQ(d.properties.content_type, "application/json");
    EXPECT_TRUE(d.properties.persistent);
    EXPECT_EQ(d.properties.correlation_id, "corr");
    EXPECT_EQ(d.properties.timestamp, std::optional<std::uint64_t>(1700000000));
    EXPECT_EQ(d.header("request_id"), "req-42");
    EXPECT_EQ(d.header("traceparent"), "00-abc-def-01");
    EXPECT_EQ(d.properties.headers, props.headers);
    EXPECT_FALSE(d.redelivered);
  }
  co_await conn.close();
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
}

TEST(AmqpConsume, PropertiesAndHeadersRoundTrip) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(headers_round_trip(url));
}

// One handler at a time, prefetch 20: stop() lets the running one finish and ack, returns the
// prefetched rest to the queue.
struct Slow {
  int started = 0;
  int finished = 0;
};

Task<Outcome> slow_ack(Slow* s, Delivery&) {
  ++s->started;
  co_await core::sleep(300ms);
  ++s->finished;
  co_return Outcome::ack;
}

Task<void> graceful_stop(core::amqp::AmqpUrl url) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix(), /*quorum=*/true);
  core::amqp::Connection conn(amqp_test::options(url, tq.topology));
  conn.start();
  co_await conn.wait_open(10s);
  for (int i = 0; i < 20; ++i) {
    co_await conn.publisher().publish(tq.exchange, tq.routing_key, "{}");
  }
  Slow slow;
  core::amqp::Consumer& c = conn.consume(
      tq.queue, 20, [&slow](Delivery& d) { return slow_ack(&slow, d); }, 1);
  co_await wait_until(&slow.started, 1, 10s);
  co_await core::sleep(100ms);  // the rest is prefetched by now
  co_await c.stop(5s);
  EXPECT_EQ(slow.started, 1);
  EXPECT_EQ(slow.finished, 1);
  EXPECT_TRUE(c.stopped());
  EXPECT_EQ(co_await core::amqp::queue_depth(url, tq.queue, amqp_test::admin_pool()), 19u);
  co_await conn.close();
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
}

TEST(AmqpConsume, GracefulStopFinishesStartedAndRequeuesTheRest) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(graceful_stop(url));
}

// close() stops every consumer at once: one whose handler is still running does not keep
// the others consuming meanwhile.
struct Held {
  bool started = false;
  bool release = false;
};

Task<Outcome> hold_until_released(Held* h, Delivery&) {
  h->started = true;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!h->release && std::chrono::steady_clock::now() < deadline) co_await core::sleep(10ms);
  co_return Outcome::ack;
}

Task<void> close_and_flag(core::amqp::Connection* conn, bool* closed) {
  co_await conn->close(10s);
  *closed = true;
}

Task<void> close_stops_consumers_together(core::amqp::AmqpUrl url) {
  amqp_test::TestQueue slow(amqp_test::unique_prefix(), /*quorum=*/true);
  amqp_test::TestQueue idle(amqp_test::unique_prefix(), /*quorum=*/true);
  wire::amqp::Topology topology = slow.topology;
  for (auto& e : idle.topology.exchanges) topology.exchanges.push_back(e);
  for (auto& q : idle.topology.queues) topology.queues.push_back(q);
  for (auto& b : idle.topology.bindings) topology.bindings.push_back(b);
  core::amqp::Connection conn(amqp_test::options(url, topology));
  Held held;
  Seen seen;
  conn.consume(slow.queue, 4, [&held](Delivery& d) { return hold_until_released(&held, d); });
  core::amqp::Consumer& other =
      conn.consume(idle.queue, 4, [&seen](Delivery& d) { return count_and_ack(&seen, d); });
  conn.start();
  co_await conn.wait_ready(10s);
  co_await conn.publisher().publish(slow.exchange, slow.routing_key, "{}");
  const auto started_by = std::chrono::steady_clock::now() + 10s;
  while (!held.started && std::chrono::steady_clock::now() < started_by) co_await core::sleep(10ms);
  EXPECT_TRUE(held.started);

  bool closed = false;
  core::spawn(close_and_flag(&conn, &closed));
  const auto stopped_by = std::chrono::steady_clock::now() + 10s;
  while (!other.stopped() && std::chrono::steady_clock::now() < stopped_by) co_await core::sleep(10ms);
  EXPECT_TRUE(other.stopped());  // while the slow consumer's handler still runs
  EXPECT_FALSE(closed);
  held.release = true;
  const auto closed_by = std::chrono::steady_clock::now() + 10s;
  while (!closed && std::chrono::steady_clock::now() < closed_by) co_await core::sleep(10ms);
  EXPECT_TRUE(closed);
  EXPECT_EQ(co_await core::amqp::queue_depth(url, slow.queue, amqp_test::admin_pool()), 0u);
  co_await core::amqp::delete_topology(url, topology, amqp_test::admin_pool());
}

TEST(AmqpConsume, CloseStopsEveryConsumerAtOnce) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(close_stops_consumers_together(url));
}

Task<std::string> consume_missing_queue(core::amqp::AmqpUrl url) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix());
  core::amqp::Connection conn(amqp_test::options(url, tq.topology));
  conn.start();
  co_await conn.wait_open(10s);
  Seen seen;
  core::amqp::Consumer& c =
      conn.consume(tq.queue + ".missing", 4, [&seen](Delivery& d) { return keep(&seen, d); });
  co_await core::sleep(500ms);
  EXPECT_FALSE(c.consuming());
  EXPECT_FALSE(conn.ready());
  // The publisher is not affected by the consumer's failure.
  co_await conn.publisher().publish(tq.exchange, tq.routing_key, "{}");
  std::string error = c.last_error();
  co_await conn.close(1s);
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
  co_return error;
}

TEST(AmqpConsume, MissingQueueFailsOnlyThatConsumer) {
  AMQP_TEST_URL_OR_SKIP(url);
  EXPECT_NE(core::run_sync(consume_missing_queue(url)).find("NOT_FOUND"), std::string::npos);
}

}  // namespace
