// RabbitMQ restarted (scripts/servers restart rabbitmq) while a publisher streams persistent
// messages into a quorum queue: the connection comes back by itself, and every message that
// was confirmed before, during or after the restart is in the queue afterwards.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "core/amqp/error.hpp"
#include "core/runtime/run.hpp"
#include "tests/support/repo_root.hpp"
#include "core/runtime/spawn.hpp"
#include "tests/core/amqp/amqp_test_support.hpp"

namespace {

using core::Task;
using core::amqp::Delivery;
using core::amqp::Outcome;
using namespace std::chrono_literals;

// tests/core/amqp/<this file> -> the repository root.
std::filesystem::path servers_script() {
  return test_support::repo_root() /
         "scripts" / "servers";
}

struct Stream {
  std::set<std::string> confirmed;
  int next = 0;
  int errors = 0;
  bool stop = false;
  int lanes_running = 0;
};

Task<void> publish_lane(core::amqp::Publisher* p, std::string exchange, std::string key,
                        Stream* s) {
  ++s->lanes_running;
  while (!s->stop) {
    const std::string id = "restart-" + std::to_string(s->next++);
    core::amqp::Properties props;
    props.message_id = id;
    bool failed = false;
    try {
      co_await p->publish(exchange, key, R"({"name":"restart","data":"x"})", props);
      s->confirmed.insert(id);
    } catch (const core::amqp::Error&) {
      failed = true;  // not confirmed: may or may not be stored (at-least-once)
    }
    if (failed) {
      ++s->errors;
      co_await core::sleep(100ms);
    }
  }
  --s->lanes_running;
}

Task<Outcome> collect(std::set<std::string>* seen, Delivery& d) {
  seen->insert(d.message_id);
  co_return Outcome::ack;
}

Task<void> restart_mid_stream(core::amqp::AmqpUrl url, std::string profile) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix(), /*quorum=*/true);
  auto options = amqp_test::options(url, tq.topology);
  options.backoff_max = 2s;
  core::amqp::Connection conn(options);
  conn.start();
  co_await conn.wait_open(10s);

  Stream stream;
  for (int i = 0; i < 16; ++i) {
    core::spawn(publish_lane(&conn.publisher(), tq.exchange, tq.routing_key, &stream));
  }
  co_await core::sleep(500ms);
  const std::size_t before = stream.confirmed.size();

  core::ThreadPool shell("restart", 1, 1);
  const std::string command =
      servers_script().string() + " restart rabbitmq --profile " + profile + " >/dev/null 2>&1";
  const int rc = co_await shell.run([command] { return std::system(command.c_str()); });
  EXPECT_EQ(rc, 0) << command;

  co_await conn.wait_open(60s);
  const std::size_t after_restart = stream.confirmed.size();
  for (int i = 0; i < 500 && stream.confirmed.size() < after_restart + 200; ++i) {
    co_await core::sleep(20ms);
  }
  stream.stop = true;
  while (stream.lanes_running > 0) co_await core::sleep(10ms);
  EXPECT_GT(before, 0u);
  EXPECT_GE(stream.confirmed.size(), after_restart + 200);
  EXPECT_GE(conn.connects(), 2u);
  EXPECT_GT(stream.errors, 0);  // the restart was noticed

  std::set<std::string> seen;
  conn.consume(tq.queue, 256, [&seen](Delivery& d) { return collect(&seen, d); });
  std::size_t missing = stream.confirmed.size();
  for (int i = 0; i < 1500 && missing > 0; ++i) {
    co_await core::sleep(20ms);
    missing = 0;
    for (const auto& id : stream.confirmed) missing += seen.count(id) == 0;
  }
  EXPECT_EQ(missing, 0u) << "of " << stream.confirmed.size() << " confirmed messages";
  co_await conn.close();
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
}

TEST(AmqpRestart, ConfirmedMessagesSurviveABrokerRestart) {
  AMQP_TEST_URL_OR_SKIP(url);
  const char* profile = std::getenv("MS_PROFILE");
  if (!profile || !*profile || !std::filesystem::exists(servers_script())) {
    GTEST_SKIP() << "needs MS_PROFILE (source .run/<profile>/env) and scripts/servers";
  }
  core::run_sync(restart_mid_stream(url, profile));
}

}  // namespace
