#pragma once
/// @file
/// Sending a failed delivery on: to the TTL retry queue for its next attempt, or, once its
/// attempts are used up, to the dead-letter exchange. Properties and headers (x-death
/// included) are kept and the routing key stays the original one, so the retry queue
/// dead-letters it back to the main exchange where it came from. Ack the original delivery
/// only after this resolved: until then the broker still holds it.
#include "core/amqp/message.hpp"
#include "core/amqp/publisher.hpp"
#include "core/runtime/task.hpp"
#include "wire/amqp/topology.hpp"

namespace core::amqp {

/// Which attempt `d` is (1 for a first delivery), from x-death and the attempts header.
int attempt_of(const Delivery& d, const wire::amqp::Names& names);

/// Republishes d by wire::amqp::after_failure(attempt_of(d)); returns where it went.
Task<wire::amqp::NextHop> republish_for_retry(Publisher& publisher, Delivery d,
                                              wire::amqp::Names names,
                                              int max_attempts = wire::amqp::kDefaultDeliveryLimit);

/// Sends d straight to the dead exchange (a message that can never succeed).
Task<void> dead_letter(Publisher& publisher, Delivery d, wire::amqp::Names names);

}  // namespace core::amqp
