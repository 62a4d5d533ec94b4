// ConnectionCore's incoming frames: connection methods, channel methods, content assembly.
#include "core/amqp/connection_core.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/amqp/error.hpp"
#include "core/amqp/rpc_awaiter.hpp"
#include "core/log/log.hpp"
#include "core/runtime/spawn.hpp"

namespace core::amqp::detail {

void ConnectionCore::on_transport_failed(const std::string& reason) {
  last_error_ = reason;
  if (!failure_)
    failure_ = std::make_exception_ptr(ConnectionError("amqp: connection lost: " + reason));
  blocked_ = false;
  set_state(closing_ ? ConnectionState::closing : ConnectionState::disconnected);
  publisher_.on_lost(failure_);
  while (!rpcs_.empty()) rpcs_.front()->finish(failure_);
  for (auto& c : consumers_) c->on_lost();
  incoming_.clear();
  lost_.notify_all();
}

void ConnectionCore::on_frame(const amqp_frame_t& frame) {
  if (frame.channel == 0) {
    if (frame.frame_type == AMQP_FRAME_METHOD) on_connection_method(frame.payload.method);
    return;
  }
  on_channel_frame(frame);
}

void ConnectionCore::on_connection_method(const amqp_method_t& m) {
  switch (m.id) {
    case AMQP_CONNECTION_CLOSE_METHOD: {
      int code = 0;
      const std::string text = describe_close(m, &code);
      failure_ = std::make_exception_ptr(
          ServerError(code, "amqp: the broker closed the connection: " + text));
      transport_->fail("the broker closed the connection: " + text);
      return;
    }
    case AMQP_CONNECTION_CLOSE_OK_METHOD:
      complete_rpc(0, m.id, nullptr);
      return;
    case AMQP_CONNECTION_BLOCKED_METHOD: {
      const auto* b = static_cast<const amqp_connection_blocked_t*>(m.decoded);
      blocked_ = true;
      log::warn("amqp: the broker blocks publishing: {}", b ? to_string(b->reason) : "");
      return;
    }
    case AMQP_CONNECTION_UNBLOCKED_METHOD:
      blocked_ = false;
      log::info("amqp: the broker unblocked publishing");
      return;
    default:
      return;
  }
}

void ConnectionCore::on_channel_frame(const amqp_frame_t& f) {
  const std::uint16_t ch = f.channel;
  if (f.frame_type == AMQP_FRAME_HEADER) {
    Incoming& in = incoming(ch);
    if (in.kind == Incoming::Kind::none) return;
    const auto* p = static_cast<const amqp_basic_properties_t*>(f.payload.properties.decoded);
    if (p) in.delivery.properties = decode_properties(*p);
    in.body_size = f.payload.properties.body_size;
    in.have_header = true;
    in.delivery.body.reserve(std::min<std::uint64_t>(in.body_size, 1u << 20));
    if (in.body_size == 0) on_content_done(ch);
    return;
  }
  if (f.frame_type == AMQP_FRAME_BODY) {
    Incoming& in = incoming(ch);
    if (in.kind == Incoming::Kind::none || !in.have_header) return;
    in.delivery.body.append(static_cast<const char*>(f.payload.body_fragment.bytes),
                            f.payload.body_fragment.len);
    if (in.delivery.body.size() >= in.body_size) on_content_done(ch);
    return;
  }
  if (f.frame_type != AMQP_FRAME_METHOD) return;
  const amqp_method_t& m = f.payload.method;
  switch (m.id) {
    case AMQP_BASIC_DELIVER_METHOD: {
      const auto* d = static_cast<const amqp_basic_deliver_t*>(m.decoded);
      Incoming& in = incoming(ch);
      in = Incoming{};
      in.kind = Incoming::Kind::deliver;
      in.delivery.consumer_tag = to_string(d->consumer_tag);
      in.delivery.delivery_tag = d->delivery_tag;
      in.delivery.redelivered = d->redelivered != 0;
      in.delivery.exchange = to_string(d->exchange);
      in.delivery.routing_key = to_string(d->routing_key);
      return;
    }
    case AMQP_BASIC_RETURN_METHOD: {
      const auto* r = static_cast<const amqp_basic_return_t*>(m.decoded);
      Incoming& in = incoming(ch);
      in = Incoming{};
      in.kind = Incoming::Kind::returned;
      in.return_text = fmt::format(
          "amqp: message returned: {} {} (exchange '{}', routing key '{}')", r->reply_code,
          to_string(r->reply_text), to_string(r->exchange), to_string(r->routing_key));
      return;
    }
    case AMQP_BASIC_ACK_METHOD: {
      const auto* a = static_cast<const amqp_basic_ack_t*>(m.decoded);
      if (ch == kPublishChannel) publisher_.on_ack(a->delivery_tag, a->multiple != 0, false);
      return;
    }
    case AMQP_BASIC_NACK_METHOD: {
      const auto* n = static_cast<const amqp_basic_nack_t*>(m.decoded);
      if (ch == kPublishChannel) publisher_.on_ack(n->delivery_tag, n->multiple != 0, true);
      return;
    }
    case AMQP_BASIC_CANCEL_METHOD: {
      // The broker cancelled a consumer (its queue was deleted): reconnecting declares the
      // topology again and re-subscribes.
      Consumer* c = consumer_on(ch);
      if (!c || c->stopped() || c->stopping_) return;
      failure_ = std::make_exception_ptr(
          ConnectionError(fmt::format("amqp: the broker cancelled the consumer of {}", c->queue_)));
      transport_->fail(fmt::format("the broker cancelled the consumer of {}", c->queue_));
      return;
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
      int code = 0;
      const std::string text = describe_close(m, &code);
      auto error = std::make_exception_ptr(
          ServerError(code, fmt::format("amqp: the broker closed channel {}: {}", ch, text)));
      const bool awaited = std::any_of(rpcs_.begin(), rpcs_.end(),
                                       [&](RpcAwaiter* r) { return r->channel() == ch; });
      if (ch != kPublishChannel && awaited) {
        // A consumer's set-up failed (no such queue ...): only that channel is gone.
        amqp_channel_close_ok_t ok{};
        transport_->send_method(ch, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        complete_rpc(ch, m.id, error);
        return;
      }
      failure_ = error;
      transport_->fail(fmt::format("the broker closed channel {}: {}", ch, text));
      return;
    }
    default:
      complete_rpc(ch, m.id, nullptr);  // open-ok, qos-ok, consume-ok, cancel-ok, close-ok
      return;
  }
}

void ConnectionCore::on_content_done(std::uint16_t channel) {
  Incoming& in = incoming(channel);
  const Incoming::Kind kind = std::exchange(in.kind, Incoming::Kind::none);
  Delivery d = std::move(in.delivery);
  std::string return_text = std::move(in.return_text);
  in = Incoming{};
  if (kind == Incoming::Kind::returned) {
    publisher_.on_return(d.properties.message_id, std::move(return_text));
    return;
  }
  Consumer* c = consumer_on(channel);
  if (!c) return;
  d.message_id = d.properties.message_id;
  d.x_death = x_death_records(d.properties.headers);
  d.queue = c->queue_;
  c->on_delivery(std::move(d), generation_);
}

}  // namespace core::amqp::detail
