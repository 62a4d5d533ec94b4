#pragma once
// What scripts/dlq shows of a dead letter, and the properties it republishes one with. Pure
// functions over a delivery from listener.dead; the queue work is in dead_letter_queue.hpp.
#include <cstddef>
#include <string>

#include "core/amqp/message.hpp"
#include "wire/amqp/topology.hpp"

namespace listener::dlq {

struct DeadLetter {
  std::string message_id;
  /// The key it was first published with: dead-lettering (ours and RabbitMQ's) keeps it.
  std::string routing_key;
  /// The listener's dead-reason header, else RabbitMQ's own (x-first-death-reason), else "".
  std::string reason;
  /// Failed attempts, from the retry-attempts header and x-death (see wire::amqp::attempt_of).
  int attempts = 0;
  std::string body;
};

DeadLetter describe(const core::amqp::Delivery& d, const wire::amqp::Names& names);

/// One line: message_id, routing key, attempts, reason, and the body cut to `excerpt` bytes
/// (never inside a UTF-8 sequence; control characters shown as spaces).
std::string format_line(const DeadLetter& letter, std::size_t excerpt = 80);

/// The properties of a replayed message: the same message_id and headers (request_id,
/// traceparent, ...) without the retry state (retry-attempts, retry-queue, dead-reason,
/// x-death, x-first-death-*, x-last-death-*, x-delivery-count), so that it starts over with
/// every attempt ahead of it.
core::amqp::Properties replay_properties(core::amqp::Properties props);

}  // namespace listener::dlq
