#include "core/amqp/setup.hpp"

#include <amqp_tcp_socket.h>
#include <fmt/format.h>

#include "core/amqp/codec.hpp"
#include "core/amqp/error.hpp"

namespace core::amqp::detail {

namespace {

constexpr int kFrameMax = 131072;  // RabbitMQ's default and maximum suggestion

void set_rpc_timeout(amqp_connection_state_t conn, const Deadline& deadline, const char* what) {
  struct timeval tv = deadline.remaining(what);
  check_status(amqp_set_rpc_timeout(conn, &tv), "set_rpc_timeout");
}

void consume_blocking(amqp_connection_state_t conn, const ConsumerSpec& c,
                      const Deadline& deadline) {
  open_channel_blocking(conn, c.channel, deadline);
  set_rpc_timeout(conn, deadline, "basic.qos");
  amqp_basic_qos(conn, c.channel, 0, c.prefetch, 0);
  check_reply(amqp_get_rpc_reply(conn), "basic.qos");
  set_rpc_timeout(conn, deadline, "basic.consume");
  amqp_basic_consume(conn, c.channel, bytes_of(c.queue), bytes_of(c.tag), 0, 0, 0,
                     amqp_empty_table);
  check_reply(amqp_get_rpc_reply(conn), fmt::format("basic.consume {}", c.queue));
}

}  // namespace

struct timeval Deadline::remaining(const char* what) const {
  const auto left =
      std::chrono::duration_cast<std::chrono::microseconds>(at_ - std::chrono::steady_clock::now());
  if (left.count() <= 0) throw ConnectionError(fmt::format("amqp {}: deadline exceeded", what));
  struct timeval tv;
  tv.tv_sec = static_cast<time_t>(left.count() / 1'000'000);
  tv.tv_usec = static_cast<suseconds_t>(left.count() % 1'000'000);
  return tv;
}

SetupResult open_connection(const SetupRequest& request, const Deadline& deadline) {
  SetupResult out;
  out.conn.reset(amqp_new_connection());
  if (!out.conn) throw std::bad_alloc();
  amqp_connection_state_t conn = out.conn.get();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  if (!socket) throw std::bad_alloc();

  const AmqpUrl& url = request.url;
  struct timeval tv = deadline.remaining("connect");
  check_status(amqp_set_handshake_timeout(conn, &tv), "set_handshake_timeout");
  check_status(amqp_set_rpc_timeout(conn, &tv), "set_rpc_timeout");
  check_status(amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &tv),
               fmt::format("connect {}:{}", url.host, url.port));

  // Capabilities the library does not announce itself: without connection.blocked the broker
  // never tells us it blocks publishers; basic.nack / publisher_confirms for confirm mode.
  amqp_table_entry_t caps[] = {
      {amqp_cstring_bytes("connection.blocked"), {AMQP_FIELD_KIND_BOOLEAN, {.boolean = 1}}},
      {amqp_cstring_bytes("consumer_cancel_notify"), {AMQP_FIELD_KIND_BOOLEAN, {.boolean = 1}}},
      {amqp_cstring_bytes("publisher_confirms"), {AMQP_FIELD_KIND_BOOLEAN, {.boolean = 1}}},
      {amqp_cstring_bytes("basic.nack"), {AMQP_FIELD_KIND_BOOLEAN, {.boolean = 1}}},
  };
  amqp_table_entry_t props[2];
  props[0].key = amqp_cstring_bytes("connection_name");
  props[0].value.kind = AMQP_FIELD_KIND_UTF8;
  props[0].value.value.bytes = bytes_of(request.connection_name);
  props[1].key = amqp_cstring_bytes("capabilities");
  props[1].value.kind = AMQP_FIELD_KIND_TABLE;
  props[1].value.value.table = amqp_table_t{static_cast<int>(std::size(caps)), caps};
  const amqp_table_t client_properties{2, props};

  tv = deadline.remaining("login");
  check_status(amqp_set_handshake_timeout(conn, &tv), "set_handshake_timeout");
  check_reply(
      amqp_login_with_properties(conn, url.vhost.c_str(), 0, kFrameMax, request.heartbeat_seconds,
                                 &client_properties, AMQP_SASL_METHOD_PLAIN, url.user.c_str(),
                                 url.password.c_str()),
      fmt::format("login to {}", url.redacted()));

  out.negotiated.heartbeat_seconds = amqp_get_heartbeat(conn);
  out.negotiated.frame_max = static_cast<std::uint32_t>(amqp_get_frame_max(conn));
  out.negotiated.channel_max = amqp_get_channel_max(conn);
  // From here on the library must never write on its own: it would send heartbeats from
  // inside amqp_simple_wait_frame_noblock() (interleaving with our half-written frames) and
  // close the socket itself on a missed one (while uv_poll watches it). The broker keeps the
  // negotiated interval; the transport does both jobs from a uv timer.
  check_status(amqp_tune_connection(conn, out.negotiated.channel_max,
                                    static_cast<int>(out.negotiated.frame_max), 0),
               "tune_connection");
  return out;
}

void open_channel_blocking(amqp_connection_state_t conn, std::uint16_t channel,
                           const Deadline& deadline) {
  set_rpc_timeout(conn, deadline, "channel.open");
  amqp_channel_open(conn, channel);
  check_reply(amqp_get_rpc_reply(conn), fmt::format("channel.open {}", channel));
}

void declare_blocking(amqp_connection_state_t conn, std::uint16_t channel,
                      const wire::amqp::Topology& topology, const Deadline& deadline) {
  EncodeArena arena;
  for (const auto& e : topology.exchanges) {
    set_rpc_timeout(conn, deadline, "exchange.declare");
    const FieldTable args = to_table(e.arguments);
    amqp_exchange_declare(conn, channel, bytes_of(e.name), bytes_of(e.type), 0, e.durable,
                          e.auto_delete, e.internal, encode_table(args, arena));
    check_reply(amqp_get_rpc_reply(conn), fmt::format("exchange.declare {}", e.name));
    arena.recycle();
  }
  for (const auto& q : topology.queues) {
    set_rpc_timeout(conn, deadline, "queue.declare");
    const FieldTable args = to_table(q.arguments);
    amqp_queue_declare(conn, channel, bytes_of(q.name), 0, q.durable, q.exclusive, q.auto_delete,
                       encode_table(args, arena));
    check_reply(amqp_get_rpc_reply(conn), fmt::format("queue.declare {}", q.name));
    arena.recycle();
  }
  for (const auto& b : topology.bindings) {
    set_rpc_timeout(conn, deadline, "queue.bind");
    const FieldTable args = to_table(b.arguments);
    amqp_queue_bind(conn, channel, bytes_of(b.queue), bytes_of(b.exchange), bytes_of(b.routing_key),
                    encode_table(args, arena));
    check_reply(amqp_get_rpc_reply(conn),
                fmt::format("queue.bind {} -> {} ({})", b.exchange, b.queue, b.routing_key));
    arena.recycle();
  }
}

SetupResult setup_connection(const SetupRequest& request) {
  const Deadline deadline(request.timeout);
  SetupResult out = open_connection(request, deadline);
  amqp_connection_state_t conn = out.conn.get();
  open_channel_blocking(conn, kPublishChannel, deadline);
  set_rpc_timeout(conn, deadline, "confirm.select");
  amqp_confirm_select(conn, kPublishChannel);
  check_reply(amqp_get_rpc_reply(conn), "confirm.select");
  declare_blocking(conn, kPublishChannel, request.topology, deadline);
  for (const ConsumerSpec& c : request.consumers) {
    try {
      consume_blocking(conn, c, deadline);
    } catch (const ServerError& e) {
      if (e.code == 0 || amqp_constant_is_hard_error(e.code)) throw;
      // The broker closed that channel only: acknowledge, so the number can be opened again.
      amqp_channel_close_ok_t ok{};
      check_status(amqp_send_method(conn, c.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok),
                   "channel.close-ok");
      out.failed_consumers.emplace_back(c.channel, e.what());
    }
  }
  return out;
}

}  // namespace core::amqp::detail
