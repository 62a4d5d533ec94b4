// Publisher confirms against a real RabbitMQ: every publish confirmed, pipelined within the
// window, unroutable and missing-exchange errors, and no waiting when not connected.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "core/amqp/error.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "tests/core/amqp/amqp_test_support.hpp"

namespace {

using core::Task;
using namespace std::chrono_literals;

struct Tally {
  int confirmed = 0;
  int failed = 0;
  std::size_t max_unconfirmed = 0;
  std::string last_error;
};

Task<void> publish_one(core::amqp::Publisher* p, std::string exchange, std::string key,
                       std::string body, Tally* tally) {
  try {
    core::amqp::Properties props;
    props.message_id = body;
    co_await p->publish(std::move(exchange), std::move(key), std::move(body), std::move(props));
    ++tally->confirmed;
  } catch (const std::exception& e) {
    ++tally->failed;
    tally->last_error = e.what();
  }
  tally->max_unconfirmed = std::max(tally->max_unconfirmed, p->unconfirmed());
}

Task<void> confirm_every_publish(core::amqp::AmqpUrl url, int count, std::size_t window) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix());
  auto options = amqp_test::options(url, tq.topology);
  options.confirm_window = window;
  core::amqp::Connection conn(options);
  conn.start();
  co_await conn.wait_open(10s);

  Tally tally;
  std::vector<Task<void>> publishes;
  publishes.reserve(count);
  for (int i = 0; i < count; ++i) {
    publishes.push_back(publish_one(&conn.publisher(), tq.exchange, tq.routing_key,
                                    "m" + std::to_string(i), &tally));
  }
  // All started at once: they pipeline on the channel, bounded by the window.
  for (auto& t : publishes) core::spawn(std::move(t));
  co_await with_timeout(conn.publisher().wait_drained(), 30s);
  while (tally.confirmed + tally.failed < count) co_await core::sleep(5ms);

  EXPECT_EQ(tally.confirmed, count) << tally.last_error;
  EXPECT_LE(tally.max_unconfirmed, window);
  EXPECT_EQ(conn.publisher().confirmed_total(), static_cast<std::uint64_t>(count));
  EXPECT_EQ(co_await core::amqp::queue_depth(url, tq.queue, amqp_test::admin_pool()),
            static_cast<std::uint32_t>(count));
  co_await conn.close();
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
}

TEST(AmqpPublish, ConfirmsEveryPipelinedPublish) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(confirm_every_publish(url, 1000, 1024));
}

TEST(AmqpPublish, WindowBoundsUnconfirmed) {
  AMQP_TEST_URL_OR_SKIP(url);
  core::run_sync(confirm_every_publish(url, 500, 16));
}

Task<std::string> publish_unroutable(core::amqp::AmqpUrl url) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix());
  core::amqp::Connection conn(amqp_test::options(url, tq.topology));
  conn.start();
  co_await conn.wait_open(10s);
  std::string outcome = "confirmed";
  try {
    co_await conn.publisher().publish(tq.exchange, "no.such.key", "{}");
  } catch (const core::amqp::Unroutable& e) {
    outcome = "unroutable";
  } catch (const std::exception& e) {
    outcome = e.what();
  }
  // The channel still works afterwards.
  co_await conn.publisher().publish(tq.exchange, tq.routing_key, "{}");
  co_await conn.close();
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
  co_return outcome;
}

TEST(AmqpPublish, UnroutableWithMandatory) {
  AMQP_TEST_URL_OR_SKIP(url);
  EXPECT_EQ(core::run_sync(publish_unroutable(url)), "unroutable");
}

Task<int> publish_to_missing_exchange(core::amqp::AmqpUrl url) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix());
  core::amqp::Connection conn(amqp_test::options(url, tq.topology));
  conn.start();
  co_await conn.wait_open(10s);
  int code = 0;
  try {
    co_await conn.publisher().publish(tq.exchange + ".missing", tq.routing_key, "{}");
  } catch (const core::amqp::ServerError& e) {
    code = e.code;
  }
  // The broker closed the channel; the connection comes back by itself.
  co_await conn.wait_open(10s);
  co_await conn.publisher().publish(tq.exchange, tq.routing_key, "{}");
  co_await conn.close();
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
  co_return code;
}

TEST(AmqpPublish, MissingExchangeIsServerErrorAndRecovers) {
  AMQP_TEST_URL_OR_SKIP(url);
  EXPECT_EQ(core::run_sync(publish_to_missing_exchange(url)), 404);
}

Task<std::string> publish_while_down() {
  core::amqp::ConnectionOptions o;
  o.url.host = "127.0.0.1";
  o.url.port = 1;  // nothing listens there
  o.connect_timeout = 500ms;
  core::amqp::Connection conn(o);
  conn.start();
  co_await core::sleep(50ms);
  std::string what;
  try {
    co_await conn.publisher().publish("x", "y", "{}");
  } catch (const core::amqp::ConnectionError& e) {
    what = "ConnectionError";
  }
  EXPECT_FALSE(conn.ready());
  co_await conn.close();
  co_return what;
}

TEST(AmqpPublish, NotConnectedFailsAtOnce) {
  EXPECT_EQ(core::run_sync(publish_while_down()), "ConnectionError");
}

}  // namespace
