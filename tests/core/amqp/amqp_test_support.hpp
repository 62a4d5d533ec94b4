#pragma once
// Shared by the *_amqptest.cpp files: the broker URL from RABBIT_URL (tests skip without it),
// names unique to one test run, and a connection with a test topology.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>

#include "core/amqp/connection.hpp"
#include "core/amqp/declare.hpp"
#include "core/amqp/url.hpp"
#include "core/runtime/thread_pool.hpp"

namespace amqp_test {

inline std::optional<core::amqp::AmqpUrl> url() {
  const char* env = std::getenv("RABBIT_URL");
  if (!env || !*env) return std::nullopt;
  return core::amqp::parse_amqp_url(env);
}

#define AMQP_TEST_URL_OR_SKIP(var)                         \
  auto var##_opt = ::amqp_test::url();                     \
  if (!var##_opt) GTEST_SKIP() << "RABBIT_URL is not set"; \
  const core::amqp::AmqpUrl var = *var##_opt

/// "t<pid>-<n>-<random>." : a prefix no other test (or service) uses.
inline std::string unique_prefix() {
  static std::atomic<int> n{0};
  static const unsigned salt = std::random_device{}();
  return "t" + std::to_string(::getpid()) + "-" + std::to_string(++n) + "-" +
         std::to_string(salt % 100000) + ".";
}

inline core::ThreadPool& admin_pool() {
  static core::ThreadPool pool("amqp-test-admin", 1, 64);
  return pool;
}

/// A durable queue bound to a topic exchange, both named after prefix.
struct TestQueue {
  std::string exchange;
  std::string queue;
  std::string routing_key = "test.key";
  wire::amqp::Topology topology;

  explicit TestQueue(const std::string& prefix, bool quorum = false) {
    exchange = prefix + "ex";
    queue = prefix + "q";
    wire::amqp::Arguments args;
    if (quorum) args.push_back({"x-queue-type", std::string("quorum")});
    topology.exchanges.push_back({exchange, "topic", true, false, false, {}});
    topology.queues.push_back({queue, true, false, false, args});
    topology.bindings.push_back({queue, exchange, routing_key, {}});
  }
};

inline core::amqp::ConnectionOptions options(const core::amqp::AmqpUrl& u,
                                             wire::amqp::Topology topology) {
  core::amqp::ConnectionOptions o;
  o.url = u;
  o.name = "amqp test";
  o.topology = std::move(topology);
  return o;
}

}  // namespace amqp_test
