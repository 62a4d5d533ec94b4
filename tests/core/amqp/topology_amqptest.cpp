// The shared topology against a real RabbitMQ (under a unique name prefix): declaring it twice
// is idempotent, a different argument is refused, and the retry helper routes by attempt.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "core/amqp/error.hpp"
#include "core/amqp/retry.hpp"
#include "core/runtime/run.hpp"
#include "tests/core/amqp/amqp_test_support.hpp"

namespace {

using core::Task;
using core::amqp::Delivery;
using core::amqp::Outcome;
using namespace std::chrono_literals;

Task<int> declare_twice(core::amqp::AmqpUrl url) {
  const std::string prefix = amqp_test::unique_prefix();
  const auto topology = wire::amqp::shared_topology({prefix, 5});
  co_await core::amqp::declare_topology(url, topology, amqp_test::admin_pool());
  co_await core::amqp::declare_topology(url, topology, amqp_test::admin_pool());
  // A connection declares it a third time on connect.
  core::amqp::Connection conn(amqp_test::options(url, topology));
  conn.start();
  co_await conn.wait_open(10s);
  co_await conn.publisher().publish(prefix + "logs_topic", "log.INFO",
                                    R"({"name":"a","data":"b"})");
  co_await conn.publisher().publish(prefix + "logs_topic", "mail.send", R"({})");
  co_await conn.close();
  const auto n = wire::amqp::names(prefix);
  EXPECT_EQ(co_await core::amqp::queue_depth(url, n.logs_queue, amqp_test::admin_pool()), 1u);
  EXPECT_EQ(co_await core::amqp::queue_depth(url, n.mail_queue, amqp_test::admin_pool()), 1u);

  int code = 0;
  try {
    co_await core::amqp::declare_topology(url, wire::amqp::shared_topology({prefix, 7}),
                                          amqp_test::admin_pool());
  } catch (const core::amqp::ServerError& e) {
    code = e.code;
  }
  co_await core::amqp::delete_topology(url, topology, amqp_test::admin_pool());
  co_return code;
}

TEST(AmqpTopology, DeclaringTwiceIsIdempotentAndMismatchIsRefused) {
  AMQP_TEST_URL_OR_SKIP(url);
  EXPECT_EQ(core::run_sync(declare_twice(url)), 406);  // PRECONDITION_FAILED
}

struct RetryRun {
  wire::amqp::Names names;
  core::amqp::Publisher* publisher = nullptr;
  std::vector<Delivery> seen;
  std::vector<wire::amqp::NextHop> hops;
  std::vector<int> attempts;
};

// Fails every delivery: sends it on to its next hop, then acks it.
Task<Outcome> fail_and_retry(RetryRun* run, Delivery& d) {
  run->seen.push_back(d);
  run->attempts.push_back(core::amqp::attempt_of(d, run->names));
  run->hops.push_back(co_await core::amqp::republish_for_retry(*run->publisher, d, run->names));
  co_return Outcome::ack;
}

Task<void> retry_routing(core::amqp::AmqpUrl url) {
  const std::string prefix = amqp_test::unique_prefix();
  const auto topology = wire::amqp::shared_topology({prefix, 5});
  RetryRun run;
  run.names = wire::amqp::names(prefix);
  core::amqp::Connection conn(amqp_test::options(url, topology));
  run.publisher = &conn.publisher();
  core::amqp::Consumer& consumer = conn.consume(
      run.names.logs_queue, 8, [&run](Delivery& d) { return fail_and_retry(&run, d); });
  conn.start();
  co_await conn.wait_ready(10s);

  core::amqp::Properties props;
  props.message_id = "retry-me";
  props.header("request_id", "r-1");
  co_await conn.publisher().publish(run.names.exchange, "log.WARNING", R"({"name":"x"})", props);

  // Attempt 1 fails -> retry.1s; 1 s later it is back with x-death and fails again -> 10s.
  for (int i = 0; i < 300 && run.hops.size() < 2; ++i) co_await core::sleep(20ms);
  co_await consumer.stop(2s);
  EXPECT_EQ(run.hops.size(), 2u);
  if (run.hops.size() == 2) {
    EXPECT_EQ(run.attempts[0], 1);
    EXPECT_EQ(run.hops[0].retry_queue, run.names.retry[0].name);
    EXPECT_EQ(run.attempts[1], 2);
    EXPECT_EQ(run.hops[1].retry_queue, run.names.retry[1].name);
    const Delivery& back = run.seen[1];
    EXPECT_EQ(back.routing_key, "log.WARNING");
    EXPECT_EQ(back.message_id, "retry-me");
    EXPECT_EQ(back.header("request_id"), "r-1");
    EXPECT_EQ(back.death_count(), 1);
    EXPECT_FALSE(back.x_death.empty());
    if (!back.x_death.empty()) {
      EXPECT_EQ(back.x_death[0].queue, run.names.retry[0].name);
      EXPECT_EQ(back.x_death[0].reason, "expired");
      EXPECT_EQ(back.x_death[0].count, 1);
    }
  }
  EXPECT_EQ(co_await core::amqp::queue_depth(url, run.names.retry[1].name, amqp_test::admin_pool()),
            1u);

  // Later attempts, from the attempts header: 3 and 4 -> retry.60s, 5 -> dead.
  for (int failed : {2, 3, 4}) {
    Delivery d;
    d.routing_key = "log.ERROR";
    d.body = "{}";
    d.properties.message_id = "synthetic-" + std::to_string(failed);
    core::amqp::set_field(d.properties.headers, std::string(wire::amqp::kAttemptsHeader),
                          core::amqp::FieldValue::integer(failed));
    const auto hop = co_await core::amqp::republish_for_retry(conn.publisher(), d, run.names);
    EXPECT_EQ(hop.dead, failed == 4);
  }
  EXPECT_EQ(co_await core::amqp::queue_depth(url, run.names.retry[2].name, amqp_test::admin_pool()),
            2u);
  EXPECT_EQ(co_await core::amqp::queue_depth(url, run.names.dead_queue, amqp_test::admin_pool()),
            1u);
  co_await conn.close();
  co_await core::amqp::delete_topology(url, topology, amqp_test::admin_pool());
}

TEST(AmqpTopology, RetryHelperRoutesByAttemptCount) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(retry_routing(url));
}

}  // namespace
