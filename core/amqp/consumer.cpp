#include "core/amqp/consumer.hpp"

#include <fmt/format.h>

#include "core/amqp/connection_core.hpp"
#include "core/amqp/error.hpp"
#include "core/log/log.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/spawn.hpp"

namespace core::amqp {

Consumer::Consumer(detail::ConnectionCore& core, std::uint16_t channel, std::string queue,
                   std::uint16_t prefetch, std::size_t concurrency, Handler handler)
    : core_(core),
      channel_(channel),
      queue_(std::move(queue)),
      tag_(fmt::format("{}.{}", queue_, channel)),
      task_name_("amqp consumer " + queue_),
      prefetch_(prefetch == 0 ? 1 : prefetch),
      concurrency_(concurrency == 0 ? prefetch_ : concurrency),
      handler_(std::move(handler)),
      unsettled_(metrics::registry().gauge(
          "amqp_consumer_unsettled", "Deliveries received and not yet acked, rejected or requeued",
          {{"queue", queue_}})) {}

void Consumer::on_delivery(Delivery d, std::uint64_t generation) {
  if (stopping_ || stopped_) {
    settle(d.delivery_tag, Outcome::requeue, generation);  // arrived after basic.cancel was sent
    return;
  }
  if (running_ < concurrency_) {
    start(std::move(d), generation);
  } else {
    waiting_.push_back(Waiting{std::move(d), generation});
  }
  publish_unsettled();
}

void Consumer::start(Delivery d, std::uint64_t generation) {
  ++running_;
  spawn(handle(core_.shared_from_this(), this, std::move(d), generation), &cancel_, task_name_);
}

Task<void> Consumer::handle(std::shared_ptr<detail::ConnectionCore> core, Consumer* self,
                            Delivery d, std::uint64_t generation) {
  Outcome outcome = Outcome::requeue;
  try {
    outcome = co_await self->handler_(d);
  } catch (const Cancelled&) {
    outcome = Outcome::requeue;
  } catch (const std::exception& e) {
    log::error("amqp consumer {}: handler failed for message {}: {}", self->queue_, d.message_id,
               e.what());
  } catch (...) {
    log::error("amqp consumer {}: handler failed for message {}", self->queue_, d.message_id);
  }
  self->settle(d.delivery_tag, outcome, generation);
  self->finished();
  (void)core;  // kept the connection state alive until here
}

void Consumer::finished() {
  --running_;
  while (running_ < concurrency_ && !waiting_.empty() && !stopping_) {
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    start(std::move(next.delivery), next.generation);
  }
  publish_unsettled();
  if (running_ == 0) idle_.notify_all();
}

void Consumer::settle(std::uint64_t delivery_tag, Outcome outcome, std::uint64_t generation) {
  detail::Transport* t = core_.transport();
  // A delivery tag belongs to its channel: after a reconnect the broker redelivers the message.
  if (!t || generation != core_.generation()) return;
  switch (outcome) {
    case Outcome::ack: {
      amqp_basic_ack_t m{delivery_tag, 0};
      t->send_method(channel_, AMQP_BASIC_ACK_METHOD, &m);
      break;
    }
    case Outcome::requeue: {
      amqp_basic_nack_t m{delivery_tag, 0, 1};
      t->send_method(channel_, AMQP_BASIC_NACK_METHOD, &m);
      break;
    }
    case Outcome::reject: {
      amqp_basic_reject_t m{delivery_tag, 0};
      t->send_method(channel_, AMQP_BASIC_REJECT_METHOD, &m);
      break;
    }
  }
}

void Consumer::on_lost() {
  consuming_ = false;
  waiting_.clear();  // never started; the broker redelivers them
  publish_unsettled();
}

Task<void> Consumer::wait_idle() {
  while (running_ > 0) co_await idle_.wait();
}

Task<void> Consumer::stop(Duration grace) {
  if (stopped_ || stopping_) co_return;
  stopping_ = true;
  const auto started = std::chrono::steady_clock::now();
  const auto left = [&] {
    const auto spent =
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started);
    return spent >= grace ? Duration(0) : grace - spent;
  };
  auto core = core_.shared_from_this();
  // A consumer that is not consuming has no open channel (never opened, or closed by the
  // broker): nothing to cancel or close on it.
  const bool had_channel = consuming_;
  const std::uint64_t generation = core_.generation();
  if (consuming_ && core_.transport()) {
    amqp_basic_cancel_t m{};
    m.consumer_tag = detail::bytes_of(tag_);
    try {
      co_await with_timeout(
          core_.rpc(channel_, AMQP_BASIC_CANCEL_METHOD, &m, AMQP_BASIC_CANCEL_OK_METHOD), left());
    } catch (const std::exception& e) {
      log::warn("amqp consumer {}: basic.cancel: {}", queue_, e.what());
    }
  }
  consuming_ = false;
  // Prefetched and never started: back to the queue now, not after the channel closes.
  for (Waiting& w : waiting_) settle(w.delivery.delivery_tag, Outcome::requeue, w.generation);
  waiting_.clear();
  publish_unsettled();
  bool overdue = false;
  try {
    co_await with_timeout(wait_idle(), left());
  } catch (const TimeoutError&) {
    overdue = true;
  }
  if (overdue) {
    log::warn("amqp consumer {}: {} handlers still running after the grace period; cancelling",
              queue_, running_);
    cancel_.cancel();
    co_await wait_idle();
  }
  if (had_channel && core_.generation() == generation && core_.transport()) {
    amqp_channel_close_t m{};
    m.reply_code = AMQP_REPLY_SUCCESS;
    m.reply_text = amqp_cstring_bytes("consumer stopped");
    try {
      co_await with_timeout(
          core_.rpc(channel_, AMQP_CHANNEL_CLOSE_METHOD, &m, AMQP_CHANNEL_CLOSE_OK_METHOD),
          std::max(left(), Duration(1000)));
    } catch (const std::exception& e) {
      log::warn("amqp consumer {}: channel.close: {}", queue_, e.what());
    }
  }
  stopped_ = true;
  stopping_ = false;
}

}  // namespace core::amqp
