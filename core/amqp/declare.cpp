#include "core/amqp/declare.hpp"

#include <fmt/format.h>

#include "core/amqp/codec.hpp"
#include "core/amqp/error.hpp"
#include "core/amqp/setup.hpp"

namespace core::amqp {

namespace {

using detail::bytes_of;
using detail::check_reply;

struct AdminSession {
  AdminSession(const AmqpUrl& url, Duration timeout) : deadline(timeout) {
    detail::SetupRequest request;
    request.url = url;
    request.connection_name = "microservices admin";
    request.heartbeat_seconds = 0;
    request.timeout = timeout;
    conn = detail::open_connection(request, deadline).conn;
    detail::open_channel_blocking(conn.get(), 1, deadline);
  }
  ~AdminSession() {
    // Best effort and bounded by the rpc timeout; the socket closes either way.
    amqp_connection_close(conn.get(), AMQP_REPLY_SUCCESS);
  }
  void rpc_timeout(const char* what) {
    struct timeval tv = deadline.remaining(what);
    amqp_set_rpc_timeout(conn.get(), &tv);
  }

  detail::Deadline deadline;
  detail::ConnectionPtr conn;
};

void delete_blocking(const AmqpUrl& url, const wire::amqp::Topology& t, Duration timeout) {
  AdminSession s(url, timeout);
  for (const auto& q : t.queues) {
    s.rpc_timeout("queue.delete");
    amqp_queue_delete(s.conn.get(), 1, bytes_of(q.name), 0, 0);
    check_reply(amqp_get_rpc_reply(s.conn.get()), fmt::format("queue.delete {}", q.name));
  }
  for (const auto& e : t.exchanges) {
    s.rpc_timeout("exchange.delete");
    amqp_exchange_delete(s.conn.get(), 1, bytes_of(e.name), 0);
    check_reply(amqp_get_rpc_reply(s.conn.get()), fmt::format("exchange.delete {}", e.name));
  }
}

std::uint32_t depth_blocking(const AmqpUrl& url, const std::string& queue, Duration timeout) {
  AdminSession s(url, timeout);
  s.rpc_timeout("queue.declare");
  auto* ok = amqp_queue_declare(s.conn.get(), 1, bytes_of(queue), 1, 0, 0, 0, amqp_empty_table);
  check_reply(amqp_get_rpc_reply(s.conn.get()), fmt::format("queue.declare passive {}", queue));
  return ok->message_count;
}

std::uint32_t purge_blocking(const AmqpUrl& url, const std::string& queue, Duration timeout) {
  AdminSession s(url, timeout);
  s.rpc_timeout("queue.purge");
  auto* ok = amqp_queue_purge(s.conn.get(), 1, bytes_of(queue));
  check_reply(amqp_get_rpc_reply(s.conn.get()), fmt::format("queue.purge {}", queue));
  return ok->message_count;
}

}  // namespace

Task<void> declare_topology(AmqpUrl url, wire::amqp::Topology t, ThreadPool& pool,
                            Duration timeout) {
  co_await pool.run([url = std::move(url), t = std::move(t), timeout] {
    AdminSession s(url, timeout);
    detail::declare_blocking(s.conn.get(), 1, t, s.deadline);
  });
}

Task<void> delete_topology(AmqpUrl url, wire::amqp::Topology t, ThreadPool& pool,
                           Duration timeout) {
  co_await pool.run(
      [url = std::move(url), t = std::move(t), timeout] { delete_blocking(url, t, timeout); });
}

Task<std::uint32_t> queue_depth(AmqpUrl url, std::string queue, ThreadPool& pool,
                                Duration timeout) {
  co_return co_await pool.run([url = std::move(url), queue = std::move(queue), timeout] {
    return depth_blocking(url, queue, timeout);
  });
}

Task<std::uint32_t> purge_queue(AmqpUrl url, std::string queue, ThreadPool& pool,
                                Duration timeout) {
  co_return co_await pool.run([url = std::move(url), queue = std::move(queue), timeout] {
    return purge_blocking(url, queue, timeout);
  });
}

}  // namespace core::amqp
