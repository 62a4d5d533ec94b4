// The broker misbehaving, driven through the servers script of the running profile: a memory
// alarm (connection.blocked -> publishing fails at once with Blocked) and a frozen broker
// (no heartbeats -> the connection fails and comes back). Each disturbs the shared test
// broker for a few seconds, so both need MS_PROFILE (source .run/<profile>/env).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/amqp/error.hpp"
#include "core/runtime/run.hpp"
#include "tests/support/repo_root.hpp"
#include "core/runtime/spawn.hpp"
#include "tests/core/amqp/amqp_test_support.hpp"

namespace {

using core::Task;
using namespace std::chrono_literals;

std::filesystem::path repo_root() {
  return test_support::repo_root();
}

const char* profile() {
  const char* p = std::getenv("MS_PROFILE");
  return p && *p ? p : nullptr;
}

Task<int> rabbitmqctl(core::ThreadPool& shell, std::string args) {
  const std::string command = (repo_root() / "scripts" / "servers").string() +
                              " rabbitmqctl --profile " + profile() + " " + args +
                              " >/dev/null 2>&1";
  co_return co_await shell.run([command] { return std::system(command.c_str()); });
}

struct Outcome {
  std::string first;
  bool confirmed_after_alarm = false;
};

Task<void> publish_slow(core::amqp::Publisher* p, std::string exchange, std::string key,
                        Outcome* out) {
  try {
    co_await p->publish(std::move(exchange), std::move(key), "{}");
    out->confirmed_after_alarm = true;
  } catch (const std::exception& e) {
    out->first = e.what();
  }
}

Task<std::string> blocked_publish(core::amqp::AmqpUrl url) {
  amqp_test::TestQueue tq(amqp_test::unique_prefix());
  core::amqp::Connection conn(amqp_test::options(url, tq.topology));
  conn.start();
  co_await conn.wait_open(10s);
  core::ThreadPool shell("rabbitmqctl", 1, 4);
  EXPECT_EQ(co_await rabbitmqctl(shell, "set_vm_memory_high_watermark absolute 1"), 0);
  // RabbitMQ blocks a connection when it next publishes; that message waits for the alarm.
  Outcome out;
  core::spawn(publish_slow(&conn.publisher(), tq.exchange, tq.routing_key, &out));
  for (int i = 0; i < 500 && !conn.blocked(); ++i) co_await core::sleep(10ms);
  EXPECT_TRUE(conn.blocked());
  std::string second;
  try {
    co_await conn.publisher().publish(tq.exchange, tq.routing_key, "{}");
    second = "confirmed";
  } catch (const core::amqp::Blocked&) {
    second = "Blocked";
  }
  EXPECT_EQ(co_await rabbitmqctl(shell, "set_vm_memory_high_watermark 0.4"), 0);
  for (int i = 0; i < 500 && (conn.blocked() || !out.confirmed_after_alarm); ++i) {
    co_await core::sleep(10ms);
  }
  EXPECT_FALSE(conn.blocked());
  EXPECT_TRUE(out.confirmed_after_alarm) << out.first;
  co_await conn.publisher().publish(tq.exchange, tq.routing_key, "{}");  // unblocked again
  co_await conn.close();
  co_await core::amqp::delete_topology(url, tq.topology, amqp_test::admin_pool());
  co_return second;
}

TEST(AmqpBrokerFaults, PublishingWhileBlockedFailsAtOnce) {
  AMQP_TEST_URL_OR_SKIP(url);
  if (!profile()) GTEST_SKIP() << "needs MS_PROFILE (source .run/<profile>/env)";
  EXPECT_EQ(core::run_sync(blocked_publish(url)), "Blocked");
}

Task<void> frozen_broker(core::amqp::AmqpUrl url, pid_t broker) {
  auto options = amqp_test::options(url, {});
  options.heartbeat = std::chrono::seconds(1);  // RabbitMQ accepts the client's lower value
  options.backoff_initial = 100ms;
  core::amqp::Connection conn(options);
  conn.start();
  co_await conn.wait_open(10s);
  const auto frozen_at = std::chrono::steady_clock::now();
  ::kill(broker, SIGSTOP);
  for (int i = 0; i < 1000 && conn.open(); ++i) co_await core::sleep(10ms);
  const auto detected = std::chrono::steady_clock::now() - frozen_at;
  ::kill(broker, SIGCONT);
  EXPECT_FALSE(conn.open());
  EXPECT_NE(conn.last_error().find("heartbeat"), std::string::npos) << conn.last_error();
  EXPECT_LT(detected, 8s);  // two missed 1 s heartbeats, with room for a loaded machine
  co_await conn.wait_open(30s);
  EXPECT_GE(conn.connects(), 2u);
  co_await conn.close();
}

TEST(AmqpBrokerFaults, MissedHeartbeatsFailTheConnection) {
  AMQP_TEST_URL_OR_SKIP(url);
  if (!profile()) GTEST_SKIP() << "needs MS_PROFILE (source .run/<profile>/env)";
  std::ifstream pidfile(repo_root() / ".run" / profile() / "pids" / "rabbitmq.pid");
  pid_t pid = 0;
  if (!(pidfile >> pid) || pid <= 0) GTEST_SKIP() << "no rabbitmq pid file";
  core::run_sync(frozen_broker(url, pid));
}

}  // namespace
