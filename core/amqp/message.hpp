#pragma once
/// @file
/// What goes over the wire with a message: its properties (message_id, content type,
/// persistence, headers such as request_id and traceparent) and, on the consuming side, the
/// Delivery a handler receives and the Outcome it answers with.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/amqp/table.hpp"
#include "wire/amqp/topology.hpp"

namespace core::amqp {

/// basic properties of a message. Defaults are what our services publish.
struct Properties {
  /// Idempotency key end to end (the logger stores the entry under it). Empty: the publisher
  /// generates one, since returns are matched to publishes by it.
  std::string message_id;
  std::string content_type = "application/json";
  /// delivery_mode 2: written to disk by the broker (quorum queues keep everything anyway).
  bool persistent = true;
  std::string correlation_id;
  std::string app_id;
  std::string type;
  /// Seconds since the epoch, when set.
  std::optional<std::uint64_t> timestamp;
  /// Application headers: request_id, traceparent, and on redelivered messages x-death.
  FieldTable headers;

  /// Sets a string header (request_id, traceparent, ...).
  Properties& header(std::string key, std::string value) {
    set_field(headers, std::move(key), FieldValue::string(std::move(value)));
    return *this;
  }
};

/// One message handed to a consumer's handler.
struct Delivery {
  std::string body;
  std::string exchange;
  std::string routing_key;
  /// properties.message_id, for convenience.
  std::string message_id;
  Properties properties;
  /// Parsed x-death header: one record per (queue, reason).
  std::vector<wire::amqp::DeathRecord> x_death;
  /// The broker delivered this message before (to us or another consumer) without an ack.
  bool redelivered = false;
  std::uint64_t delivery_tag = 0;
  std::string consumer_tag;
  /// The queue the consumer reads.
  std::string queue;

  /// Times the broker dead-lettered this message, summed over x-death (any queue, reason).
  std::int64_t death_count() const noexcept {
    std::int64_t n = 0;
    for (const auto& d : x_death) n += d.count;
    return n;
  }

  /// A header's string value, or "" when absent.
  std::string header(std::string_view key) const {
    const FieldValue* v = find_field(properties.headers, key);
    return v && v->as_string() ? *v->as_string() : std::string();
  }
};

/// What a handler answers; the consumer settles the delivery accordingly after the handler.
enum class Outcome {
  ack,      ///< done: basic.ack
  requeue,  ///< try again later: basic.nack requeue (counts toward x-delivery-limit)
  reject,   ///< never: basic.reject without requeue (dead-lettered if the queue has a DLX)
};

}  // namespace core::amqp
