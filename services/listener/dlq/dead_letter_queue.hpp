#pragma once
// listener.dead as scripts/dlq sees it: counting, listing and replaying dead letters.
//
// Listing must leave the queue as it was. listener.dead is a classic queue without
// x-delivery-limit (wire/amqp/topology.cpp), so a delivery that is given back costs nothing:
// the tool consumes with manual acks and a prefetch as large as what it wants to see, keeps
// every delivery unacked until it has seen them all, then cancels the consumer and gives them
// back (basic.cancel first, so none comes back to it). RabbitMQ puts a message given back at
// its old place in a classic queue, so the order is kept; only the `redelivered` flag changes.
// (A quorum queue with x-delivery-limit would count every such round trip against the message
// and finally drop it; that is why the dead queue is not one.)
//
// Replaying republishes a dead letter to the main exchange under its original routing key,
// with its message_id (the logger stores it once however often it arrives) and without its
// retry state, and acks the dead letter only after the broker confirmed the republish.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/amqp/url.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"
#include "services/listener/dlq/dead_letter.hpp"

namespace listener::dlq {

struct QueueOptions {
  core::amqp::AmqpUrl url;
  /// Prefix of the topology's names ("" in production).
  std::string prefix;
  /// x-delivery-limit of the shared topology, which the tool declares like every party.
  int delivery_limit = wire::amqp::kDefaultDeliveryLimit;
  /// Deadline of connecting and of collecting the deliveries; publishes get it each.
  core::Duration timeout = std::chrono::seconds(30);
};

/// Dead letters ready in the queue.
core::Task<std::uint32_t> count_dead_letters(QueueOptions options);

struct Listing {
  std::vector<DeadLetter> letters;  ///< the first `limit`, oldest first
  std::uint32_t total = 0;          ///< ready in the queue when the listing began
};

/// The oldest `limit` dead letters (at most 65535), left in the queue in their order.
core::Task<Listing> list_dead_letters(QueueOptions options, std::size_t limit);

struct Replay {
  std::vector<DeadLetter> replayed;
  std::vector<std::pair<DeadLetter, std::string>> failed;  ///< left in the queue, with why
};

/// Replays the dead letters whose message_id is `id`, or every one there was when it began
/// when `id` is nullopt (at most 65535 per run).
core::Task<Replay> replay_dead_letters(QueueOptions options, std::optional<std::string> id);

}  // namespace listener::dlq
