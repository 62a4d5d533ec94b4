#include "core/amqp/connection_core.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/amqp/error.hpp"
#include "core/log/log.hpp"
#include "core/runtime/spawn.hpp"

namespace core::amqp::detail {

/// Waits for the reply to a synchronous method on one channel.
class ConnectionCore::RpcAwaiter final : public CallbackAwaiter<void> {
 public:
  RpcAwaiter(ConnectionCore& core, std::uint16_t channel, amqp_method_number_t reply)
      : core_(core), channel_(channel), reply_(reply) {}
  ~RpcAwaiter() { unregister(); }

  std::uint16_t channel() const noexcept { return channel_; }
  amqp_method_number_t reply() const noexcept { return reply_; }

  void finish(std::exception_ptr error) {
    unregister();
    if (error)
      fail(Resume::next_turn, std::move(error));
    else
      complete(Resume::next_turn);
  }

 private:
  void start() override {
    core_.rpcs_.push_back(this);
    registered_ = true;
  }
  void stop() noexcept override { unregister(); }
  void unregister() noexcept {
    if (!registered_) return;
    registered_ = false;
    std::erase(core_.rpcs_, this);
  }

  ConnectionCore& core_;
  std::uint16_t channel_;
  amqp_method_number_t reply_;
  bool registered_ = false;
};

ConnectionCore::ConnectionCore(ConnectionOptions options)
    : options_(std::move(options)), publisher_(*this, options_.confirm_window) {}

ConnectionCore::~ConnectionCore() = default;

ThreadPool& ConnectionCore::pool() {
  if (options_.pool) return *options_.pool;
  // One pool for every connection of the process (each worker loop has its own connection):
  // set-up is rare and short, two threads are plenty and bound the damage of a slow broker.
  static ThreadPool shared("amqp", 2, 256);
  return shared;
}

void ConnectionCore::start() {
  if (started_) return;
  started_ = true;
  running_ = true;
  spawn(run(shared_from_this()), &run_cancel_, "amqp connection");
}

bool ConnectionCore::ready() const noexcept {
  if (state_ != ConnectionState::open) return false;
  return std::all_of(consumers_.begin(), consumers_.end(),
                     [](const auto& c) { return c->stopped() || c->stopping_ || c->consuming(); });
}

void ConnectionCore::set_state(ConnectionState s) {
  state_ = s;
  state_changed_.notify_all();
}

Transport& ConnectionCore::publishable() {
  Transport* t = transport();
  if (!t) {
    throw ConnectionError(last_error_.empty()
                              ? std::string("amqp: not connected")
                              : fmt::format("amqp: not connected ({})", last_error_));
  }
  if (blocked_) throw Blocked();
  return *t;
}

Task<void> ConnectionCore::wait_state(bool want_ready) {
  while (!(want_ready ? ready() : state_ == ConnectionState::open)) {
    if (state_ == ConnectionState::closed) throw ConnectionError("amqp: connection closed");
    co_await state_changed_.wait();
  }
}

Task<void> ConnectionCore::rpc(std::uint16_t channel, amqp_method_number_t id, void* decoded,
                               amqp_method_number_t reply) {
  Transport* t = transport_ && !transport_->failed() ? transport_.get() : nullptr;
  if (!t) throw ConnectionError("amqp: not connected");
  t->send_method(channel, id, decoded);
  co_await RpcAwaiter(*this, channel, reply);
}

bool ConnectionCore::complete_rpc(std::uint16_t channel, amqp_method_number_t id,
                                  std::exception_ptr error) {
  for (RpcAwaiter* r : rpcs_) {
    if (r->channel() == channel && (error || r->reply() == id)) {
      r->finish(std::move(error));
      return true;
    }
  }
  return false;
}

Consumer& ConnectionCore::consume(std::string queue, std::uint16_t prefetch, Handler handler,
                                  std::size_t concurrency) {
  if (next_channel_ == 0) throw Error("amqp: out of channels");
  const std::uint16_t channel = next_channel_++;
  consumers_.push_back(std::unique_ptr<Consumer>(
      new Consumer(*this, channel, std::move(queue), prefetch, concurrency, std::move(handler))));
  Consumer* c = consumers_.back().get();
  if (transport())
    spawn(establish(shared_from_this(), c, generation_), &run_cancel_, "amqp consume");
  state_changed_.notify_all();
  return *c;
}

Consumer* ConnectionCore::consumer_on(std::uint16_t channel) noexcept {
  for (auto& c : consumers_) {
    if (c->channel_ == channel) return c.get();
  }
  return nullptr;
}

ConnectionCore::Incoming& ConnectionCore::incoming(std::uint16_t channel) {
  if (incoming_.size() <= channel) incoming_.resize(channel + 1u);
  return incoming_[channel];
}

// --- lifecycle -----------------------------------------------------------------------------

SetupRequest ConnectionCore::setup_request(std::vector<Consumer*>& included) {
  SetupRequest r;
  r.url = options_.url;
  r.connection_name = options_.name;
  r.heartbeat_seconds = static_cast<int>(options_.heartbeat.count());
  r.timeout = options_.connect_timeout;
  r.topology = options_.topology;
  for (auto& c : consumers_) {
    if (c->stopped() || c->stopping_) continue;
    r.consumers.push_back(ConsumerSpec{c->channel_, c->queue_, c->prefetch_, c->tag_});
    included.push_back(c.get());
  }
  return r;
}

void ConnectionCore::on_open(const std::vector<Consumer*>& included, SetupResult result) {
  auto failed = std::move(result.failed_consumers);
  const Negotiated negotiated = result.negotiated;
  transport_ = std::make_unique<Transport>(std::move(result), *this);
  failure_ = nullptr;
  blocked_ = false;
  incoming_.clear();
  ++generation_;
  ++connects_;
  publisher_.on_open();
  for (Consumer* c : included) {
    const auto f = std::find_if(failed.begin(), failed.end(),
                                [&](const auto& p) { return p.first == c->channel_; });
    if (f != failed.end()) {
      c->last_error_ = f->second;
    } else if (c->stopped() || c->stopping_) {
      // Stopped while set-up subscribed it: give its channel (and deliveries) back.
      amqp_channel_close_t m{};
      m.reply_code = AMQP_REPLY_SUCCESS;
      m.reply_text = amqp_cstring_bytes("consumer stopped");
      transport_->send_method(c->channel_, AMQP_CHANNEL_CLOSE_METHOD, &m);
    } else {
      c->consuming_ = true;
      c->last_error_.clear();
    }
  }
  transport_->start();
  if (transport_->failed()) return;
  log::info("amqp: connected to {} (heartbeat {} s, frame_max {})", options_.url.redacted(),
            negotiated.heartbeat_seconds, negotiated.frame_max);
  set_state(ConnectionState::open);
  for (auto& c : consumers_) {
    if (c->consuming_ || c->stopped() || c->stopping_) continue;
    if (!c->last_error_.empty()) log::error("amqp consumer {}: {}", c->queue_, c->last_error_);
    spawn(establish(shared_from_this(), c.get(), generation_), &run_cancel_, "amqp consume");
  }
}

Task<void> ConnectionCore::run(std::shared_ptr<ConnectionCore> self) {
  const ConnectionOptions& o = self->options_;
  Duration backoff = o.backoff_initial;
  while (!self->closing_) {
    self->set_state(ConnectionState::connecting);
    std::vector<Consumer*> included;
    std::optional<SetupResult> result;
    try {
      // Cancelled by close(): the set-up finishes on its thread and its result is dropped there.
      result.emplace(co_await self->pool().run(
          [request = self->setup_request(included)] { return setup_connection(request); }));
    } catch (const Cancelled&) {
      break;
    } catch (const std::exception& e) {
      self->last_error_ = e.what();
    }
    if (self->closing_) break;
    if (result) {
      backoff = o.backoff_initial;
      self->on_open(included, std::move(*result));
      while (self->transport_ && !self->transport_->failed()) {
        try {
          co_await self->lost_.wait();
        } catch (const Cancelled&) {
          break;
        }
      }
      if (self->transport_) self->transport_->fail("connection closed");
      self->transport_.reset();
      if (self->closing_) break;
      log::warn("amqp: connection to {} lost: {}; reconnecting", o.url.redacted(),
                self->last_error_);
    } else {
      self->set_state(ConnectionState::disconnected);
      log::warn("amqp: {}; retrying in {} ms", self->last_error_, backoff.count());
    }
    try {
      co_await sleep(backoff);
    } catch (const Cancelled&) {
      break;
    }
    if (!result) backoff = std::min(backoff * 2, o.backoff_max);
  }
  if (self->transport_) self->transport_->fail("connection closed");
  self->transport_.reset();
  self->running_ = false;
  self->set_state(ConnectionState::closed);
  self->run_done_.notify_all();
}

Task<void> ConnectionCore::establish(std::shared_ptr<ConnectionCore> self, Consumer* c,
                                     std::uint64_t generation) {
  ++self->establishing_;
  struct Done {
    ConnectionCore* core;
    ~Done() {
      if (--core->establishing_ == 0) core->run_done_.notify_all();
    }
  } done{self.get()};
  for (;;) {
    if (self->generation_ != generation || c->stopped() || c->stopping_ || self->closing_) {
      co_return;
    }
    try {
      amqp_channel_open_t open{};
      co_await self->rpc(c->channel_, AMQP_CHANNEL_OPEN_METHOD, &open, AMQP_CHANNEL_OPEN_OK_METHOD);
      amqp_basic_qos_t qos{};
      qos.prefetch_count = c->prefetch_;
      co_await self->rpc(c->channel_, AMQP_BASIC_QOS_METHOD, &qos, AMQP_BASIC_QOS_OK_METHOD);
      amqp_basic_consume_t consume{};
      consume.queue = bytes_of(c->queue_);
      consume.consumer_tag = bytes_of(c->tag_);
      consume.arguments = amqp_empty_table;
      co_await self->rpc(c->channel_, AMQP_BASIC_CONSUME_METHOD, &consume,
                         AMQP_BASIC_CONSUME_OK_METHOD);
      if (self->generation_ == generation) {
        c->consuming_ = true;
        c->last_error_.clear();
        self->state_changed_.notify_all();
      }
      co_return;
    } catch (const ServerError& e) {
      c->last_error_ = e.what();
      log::error("amqp consumer {}: {}; retrying in {} ms", c->queue_, e.what(),
                 self->options_.backoff_max.count());
    } catch (const std::exception&) {
      co_return;  // connection lost or closing: the next connect takes the consumer along
    }
    try {
      co_await sleep(self->options_.backoff_max);
    } catch (const Cancelled&) {
      co_return;
    }
  }
}

Task<void> ConnectionCore::close(Duration grace) {
  auto keep = shared_from_this();
  if (!started_ || state_ == ConnectionState::closed) {
    set_state(ConnectionState::closed);
    co_return;
  }
  const auto began = std::chrono::steady_clock::now();
  const auto left = [&] {
    const auto spent =
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - began);
    return spent >= grace ? Duration(0) : grace - spent;
  };
  closing_ = true;  // no reconnect from here on
  // Every consumer stops at once: one whose handlers take long must not keep the others
  // taking new deliveries meanwhile.
  const Duration consumer_grace = left();
  for (auto& c : consumers_) {
    ++stopping_consumers_;
    spawn(stop_consumer(keep, c.get(), consumer_grace), nullptr, "amqp consumer stop");
  }
  while (stopping_consumers_ > 0) co_await consumers_stopped_.wait();
  if (publisher_.unconfirmed() > 0 && transport()) {
    try {
      co_await with_timeout(publisher_.wait_drained(), left());
    } catch (const std::exception&) {
    }
  }
  if (transport()) {
    set_state(ConnectionState::closing);
    amqp_connection_close_t m{};
    m.reply_code = AMQP_REPLY_SUCCESS;
    m.reply_text = amqp_cstring_bytes("closing");
    try {
      co_await with_timeout(
          rpc(0, AMQP_CONNECTION_CLOSE_METHOD, &m, AMQP_CONNECTION_CLOSE_OK_METHOD),
          std::clamp(left(), Duration(100), Duration(1000)));
    } catch (const std::exception&) {
    }
  }
  run_cancel_.cancel();
  while (running_ || establishing_ > 0) co_await run_done_.wait();
}

Task<void> ConnectionCore::stop_consumer(std::shared_ptr<ConnectionCore> self, Consumer* consumer,
                                         Duration grace) {
  try {
    co_await consumer->stop(grace);
  } catch (const std::exception& e) {
    log::warn("amqp consumer {}: stop: {}", consumer->queue(), e.what());
  }
  if (--self->stopping_consumers_ == 0) self->consumers_stopped_.notify_all();
}

void ConnectionCore::abandon() noexcept {
  closing_ = true;
  for (auto& c : consumers_) c->cancel_.cancel();
  run_cancel_.cancel();
}

// --- frames --------------------------------------------------------------------------------

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
