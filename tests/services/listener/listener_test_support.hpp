#pragma once
// Shared by the listener's *_amqptest.cpp files: a topology of the test's own (prefixed names)
// on the test profile's RabbitMQ, a publisher on it, and an HTTP server standing in for the
// logger (POST /log) and the mail service (POST /send) that answers what the test tells it.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/amqp/connection.hpp"
#include "core/amqp/declare.hpp"
#include "core/http/json_io.hpp"
#include "services/listener/subscriptions.hpp"
#include "tests/core/amqp/amqp_test_support.hpp"
#include "tests/core/http/http_test_support.hpp"

namespace listener_test {

using namespace std::chrono_literals;

/// One downstream service as the test sees it.
struct Downstream {
  int status = 202;  ///< what it answers next
  std::map<std::string, int> calls;     ///< by Idempotency-Key
  std::map<std::string, int> accepted;  ///< by Idempotency-Key, answered 2xx
  std::vector<std::string> bodies;
  std::string authorization;
  std::string request_id;

  int total_calls() const {
    int n = 0;
    for (const auto& [key, count] : calls) n += count;
    return n;
  }
};

inline core::Task<core::http::Response> answer(Downstream* d, core::http::Context& ctx) {
  const std::string* key = ctx.request.header("Idempotency-Key");
  const std::string k = key ? *key : std::string();
  ++d->calls[k];
  if (d->status >= 200 && d->status < 300) ++d->accepted[k];
  if (const std::string* a = ctx.request.header("Authorization")) d->authorization = *a;
  if (const std::string* r = ctx.request.header("X-Request-ID")) d->request_id = *r;
  d->bodies.push_back(ctx.request.body);
  if (d->status >= 200 && d->status < 300) co_return core::http::write_json(d->status, "accepted");
  co_return core::http::error_json(d->status, "told to refuse");
}

/// Everything one test uses; create and use it on the test's loop.
struct Rig {
  explicit Rig(core::amqp::AmqpUrl u, int delivery_limit = wire::amqp::kDefaultDeliveryLimit)
      : url(std::move(u)),
        prefix(amqp_test::unique_prefix()),
        names(wire::amqp::names(prefix)),
        topology(wire::amqp::shared_topology({prefix, delivery_limit})),
        limit(delivery_limit),
        publisher(amqp_test::options(url, topology)) {
    core::http::Router router;
    router.add("POST", "/log", [this](core::http::Context& c) { return answer(&logger, c); });
    router.add("POST", "/send", [this](core::http::Context& c) { return answer(&mail, c); });
    server = core::http::testing::start_server(core::http::testing::local_options(),
                                               std::move(router));
    publisher.start();
  }

  listener::SubscriptionOptions subscription_options() const {
    listener::SubscriptionOptions o;
    o.url = url;
    o.connection_name = "listener test";
    o.prefix = prefix;
    o.delivery_limit = limit;
    o.prefetch = 16;
    o.backoff_initial = 50ms;
    const std::string base = "http://127.0.0.1:" + std::to_string(server->port());
    o.relay.logger_url = base;
    o.relay.mail_url = base;
    o.relay.internal_token = "test-token";
    o.relay.timeout = 2s;
    return o;
  }

  core::amqp::AmqpUrl url;
  std::string prefix;
  wire::amqp::Names names;
  wire::amqp::Topology topology;
  int limit;
  Downstream logger;
  Downstream mail;
  std::unique_ptr<core::http::Server> server;
  core::amqp::Connection publisher;  ///< declares the topology on connect
};

/// Publishes one persistent message with message_id `id` and waits for its confirm.
inline core::Task<void> publish(Rig* rig, std::string routing_key, std::string body,
                                std::string id) {
  co_await rig->publisher.wait_open(10s);
  core::amqp::Properties props;
  props.message_id = std::move(id);
  props.header("request_id", "req-" + props.message_id);
  co_await rig->publisher.publisher().publish(rig->names.exchange, std::move(routing_key),
                                              std::move(body), std::move(props));
}

inline core::Task<std::uint32_t> depth(Rig* rig, std::string queue) {
  co_return co_await core::amqp::queue_depth(rig->url, std::move(queue), amqp_test::admin_pool());
}

/// Polls until `condition` holds or `timeout` passed; returns whether it held.
inline core::Task<bool> eventually(std::function<bool()> condition, core::Duration timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    co_await core::sleep(20ms);
  }
  co_return true;
}

/// Polls the depth of `queue` until it is `n` or `timeout` passed; returns whether it was.
inline core::Task<bool> depth_becomes(Rig* rig, std::string queue, std::uint32_t n,
                                      core::Duration timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (co_await depth(rig, queue) != n) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    co_await core::sleep(20ms);
  }
  co_return true;
}

/// Every queue of the rig's topology is empty.
inline core::Task<bool> all_queues_empty(Rig* rig) {
  bool empty = true;
  for (const auto& q : rig->topology.queues) {
    const std::uint32_t n = co_await depth(rig, q.name);
    EXPECT_EQ(n, 0u) << q.name;
    empty = empty && n == 0;
  }
  co_return empty;
}

/// Closes the publisher, stops the stand-in server and deletes the topology.
inline core::Task<void> tear_down(Rig* rig) {
  // Its declares run on a pool thread and would finish after the delete if still under way.
  try {
    co_await rig->publisher.wait_open(10s);
  } catch (const core::TimeoutError&) {
    ADD_FAILURE() << "the test publisher never connected";
  }
  co_await rig->publisher.close(5s);
  co_await core::http::testing::stop_server(rig->server.get());
  co_await core::amqp::delete_topology(rig->url, rig->topology, amqp_test::admin_pool());
}

}  // namespace listener_test
