#pragma once
/// @file
/// A subscription to one queue with manual acks: each delivery runs its handler in its own
/// coroutine (at most `concurrency` at once, by default the prefetch), and is settled after the
/// handler finished: ack, requeue (nack) or reject, as the handler answers. A handler that
/// throws requeues (x-delivery-limit ends crash loops). stop() drains gracefully.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "core/amqp/message.hpp"
#include "core/metrics/metrics.hpp"
#include "core/runtime/wait_list.hpp"
#include "core/runtime/cancel.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"

namespace core::amqp {

namespace detail {
class ConnectionCore;
}

/// Handles one delivery. The Delivery lives until the returned task finished.
using Handler = std::function<Task<Outcome>(Delivery&)>;

class Consumer {
 public:
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  const std::string& queue() const noexcept { return queue_; }
  const std::string& tag() const noexcept { return tag_; }
  /// basic.consume is in effect on the current connection.
  bool consuming() const noexcept { return consuming_; }
  bool stopped() const noexcept { return stopped_; }
  /// Handlers running now.
  std::size_t in_flight() const noexcept { return running_; }
  /// Why the last basic.consume failed (e.g. the queue does not exist), "" when it did not.
  const std::string& last_error() const noexcept { return last_error_; }

  /// basic.cancel; deliveries received but never started go back to the queue (nack requeue);
  /// started ones finish within `grace` and are settled; then the channel is closed (anything
  /// still unacked returns to the queue). Handlers still running after `grace` are cancelled.
  Task<void> stop(Duration grace);

 private:
  friend class detail::ConnectionCore;
  Consumer(detail::ConnectionCore& core, std::uint16_t channel, std::string queue,
           std::uint16_t prefetch, std::size_t concurrency, Handler handler);

  void on_delivery(Delivery d, std::uint64_t generation);
  void on_lost();
  void start(Delivery d, std::uint64_t generation);
  void settle(std::uint64_t delivery_tag, Outcome outcome, std::uint64_t generation);
  void finished();
  Task<void> wait_idle();
  void publish_unsettled() noexcept { unsettled_.set(static_cast<double>(running_ + waiting_.size())); }
  static Task<void> handle(std::shared_ptr<detail::ConnectionCore> core, Consumer* self, Delivery d,
                           std::uint64_t generation);

  detail::ConnectionCore& core_;
  std::uint16_t channel_;
  std::string queue_;
  std::string tag_;
  std::string task_name_;  // names the handler tasks in error logs
  std::uint16_t prefetch_;
  std::size_t concurrency_;
  Handler handler_;
  bool consuming_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  std::size_t running_ = 0;
  std::string last_error_;
  struct Waiting {
    Delivery delivery;
    std::uint64_t generation;
  };
  std::deque<Waiting> waiting_;  // received, not started (bounded by the prefetch)
  WaitList idle_;
  CancelToken cancel_;  // handlers run under it; cancelled when stop()'s grace ran out
  metrics::GaugeShare unsettled_;  // amqp_consumer_unsettled{queue}: running_ + waiting_
};

}  // namespace core::amqp
