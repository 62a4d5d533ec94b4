#pragma once
// amqp_queue_messages_ready{queue}: what waits in the listener's queues (its consumer lag) and
// in the dead-letter queue, read from RabbitMQ every `every` by one worker with a passive
// queue.declare. A queue that cannot be read (RabbitMQ down) keeps its last value and
// amqp_queue_depth_errors_total counts the failed reads.
#include "core/amqp/url.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"
#include "wire/amqp/topology.hpp"

namespace listener {

/// Runs until the worker drains.
core::Task<void> watch_queue_depths(core::amqp::AmqpUrl url, wire::amqp::Names names,
                                    core::Duration every);

}  // namespace listener
