#pragma once
/// @file
/// One AMQP connection of one loop, kept up for the life of the process: blocking steps
/// (connect, login, channels, declares, consume set-up) on a small thread pool, then frames
/// read and written on the loop. On any failure it fails what is in flight with
/// ConnectionError and reconnects with backoff (200 ms doubling to 10 s), declaring the
/// topology again and re-establishing its consumers.
///
///   core::amqp::Connection conn({.url = *core::amqp::parse_amqp_url(env),
///                                .topology = wire::amqp::shared_topology()});
///   conn.start();
///   co_await conn.publisher().publish("logs_topic", "log.INFO", body, props);
///   conn.consume("listener.logs", 256, handler);
///   co_await conn.close(grace);
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/amqp/consumer.hpp"
#include "core/amqp/publisher.hpp"
#include "core/amqp/url.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/timer.hpp"
#include "wire/amqp/topology.hpp"

namespace core::amqp {

struct ConnectionOptions {
  AmqpUrl url;
  /// Shown in the management UI (client property connection_name).
  std::string name = "microservices";
  /// Declared (idempotently) on every connect, before consumers start.
  wire::amqp::Topology topology;
  /// Proposed heartbeat interval; the broker may lower it. 0 disables heartbeats.
  std::chrono::seconds heartbeat{30};
  /// Deadline of the whole blocking set-up (connect, login, declares, consumers).
  Duration connect_timeout = std::chrono::seconds(5);
  Duration backoff_initial = std::chrono::milliseconds(200);
  Duration backoff_max = std::chrono::seconds(10);
  /// Unconfirmed messages allowed in flight.
  std::size_t confirm_window = 1024;
  /// Pool for the blocking steps; null: a process-wide pool of 2 threads ("amqp").
  ThreadPool* pool = nullptr;
};

enum class ConnectionState { disconnected, connecting, open, closing, closed };

const char* to_string(ConnectionState state) noexcept;

namespace detail {
class ConnectionCore;
}

class Connection {
 public:
  explicit Connection(ConnectionOptions options);
  /// Prefer `co_await close()`; destroying an open connection drops it abruptly (unacked
  /// deliveries return to their queues) and lets its tasks unwind on the loop.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Starts connecting in the background, on the calling loop. Never throws for the broker
  /// being down: it keeps retrying.
  void start();

  ConnectionState state() const noexcept;
  bool open() const noexcept { return state() == ConnectionState::open; }
  /// The broker told us it blocks publishers (resource alarm).
  bool blocked() const noexcept;
  /// For /readyz: open, and every consumer that was not stopped is consuming.
  bool ready() const noexcept;
  /// Why the last connect attempt or connection failed ("" if none did).
  const std::string& last_error() const noexcept;
  /// Successful connects so far (the first one included).
  std::uint64_t connects() const noexcept;

  /// Waits until open; TimeoutError after `timeout`.
  Task<void> wait_open(Duration timeout);
  /// Waits until ready(); TimeoutError after `timeout`.
  Task<void> wait_ready(Duration timeout);

  Publisher& publisher() noexcept;

  /// Subscribes handler to queue with basic.qos prefetch; at most `concurrency` handlers run
  /// at once (0: prefetch). Kept across reconnects until stopped. The Consumer lives as long
  /// as this connection.
  Consumer& consume(std::string queue, std::uint16_t prefetch, Handler handler,
                    std::size_t concurrency = 0);

  /// Graceful: stops every consumer, all at once (see Consumer::stop), waits for unconfirmed
  /// publishes, closes the connection, all within `grace`.
  Task<void> close(Duration grace = std::chrono::seconds(5));

  /// Shuts the socket down under the library, as a network failure would (tests).
  void abort_socket() noexcept;

 private:
  std::shared_ptr<detail::ConnectionCore> core_;
};

}  // namespace core::amqp
