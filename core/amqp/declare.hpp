#pragma once
/// @file
/// Administration on a short-lived connection of its own (all blocking steps on a pool
/// thread): declaring or deleting a topology, reading a queue's depth, purging it. For
/// start-up checks, scripts and tests; a Connection declares its own topology on every connect.
#include <chrono>
#include <cstdint>
#include <string>

#include "core/amqp/url.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/timer.hpp"
#include "wire/amqp/topology.hpp"

namespace core::amqp {

/// Declares t (idempotent; ServerError 406 when an existing object has other arguments).
Task<void> declare_topology(AmqpUrl url, wire::amqp::Topology t, ThreadPool& pool,
                            Duration timeout = std::chrono::seconds(5));

/// Deletes t's queues and exchanges (missing ones are fine).
Task<void> delete_topology(AmqpUrl url, wire::amqp::Topology t, ThreadPool& pool,
                           Duration timeout = std::chrono::seconds(5));

/// Messages ready in queue; ServerError (404) when it does not exist.
Task<std::uint32_t> queue_depth(AmqpUrl url, std::string queue, ThreadPool& pool,
                                Duration timeout = std::chrono::seconds(5));

/// Drops the messages ready in queue; returns how many.
Task<std::uint32_t> purge_queue(AmqpUrl url, std::string queue, ThreadPool& pool,
                                Duration timeout = std::chrono::seconds(5));

}  // namespace core::amqp
