// ConnectionCore's life cycle: connect and set up, reconnect with back-off, close, abandon.
#include "core/amqp/connection_core.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/amqp/error.hpp"
#include "core/amqp/rpc_awaiter.hpp"
#include "core/log/log.hpp"
#include "core/runtime/spawn.hpp"

namespace core::amqp::detail {

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

}  // namespace core::amqp::detail
