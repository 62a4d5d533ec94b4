#pragma once
// One worker's AMQP side: a connection that declares the shared topology on every connect
// and two manual-ack consumers (listener.logs, listener.mail) whose deliveries the Relay
// hands downstream.
//
// Each worker owns its own connection, consumers and Relay rather than sharing one: a
// delivery is then handled, its HTTP call made and its ack sent on one loop, with no
// cross-thread hand-off, and throughput grows with WORKERS the way the broker's publishing
// does (RabbitMQ spreads deliveries over the consumers, prefetch bounds each). The cost is
// one AMQP connection per worker, which RabbitMQ handles in the thousands.
#include <memory>

#include "core/amqp/connection.hpp"
#include "services/listener/relay.hpp"

namespace listener {

struct SubscriptionOptions {
  core::amqp::AmqpUrl url;
  std::string connection_name = "listener";
  /// Prefix of every exchange and queue name ("" in production; tests use their own).
  std::string prefix;
  int delivery_limit = wire::amqp::kDefaultDeliveryLimit;
  std::uint16_t prefetch = 64;
  std::size_t concurrency = 0;  ///< handlers at once per consumer; 0: the prefetch
  RelayOptions relay;           ///< names and max_attempts are filled in from the above
  core::Duration backoff_initial = std::chrono::milliseconds(200);
};

class Subscriptions {
 public:
  explicit Subscriptions(SubscriptionOptions options);

  /// Connects in the background (retrying while RabbitMQ is down) and consumes both queues.
  void start();
  /// Both consumers are consuming (what /readyz reports).
  bool ready() const noexcept;
  /// Drain: cancels both consumers together (started deliveries finish and are settled,
  /// prefetched ones go back to their queue), then closes the connection, all within grace.
  core::Task<void> stop(core::Duration grace);

  core::amqp::Connection& connection() noexcept { return connection_; }

 private:
  SubscriptionOptions options_;
  core::amqp::Connection connection_;
  Relay relay_;
  core::amqp::Consumer* logs_ = nullptr;
  core::amqp::Consumer* mail_ = nullptr;
};

}  // namespace listener
