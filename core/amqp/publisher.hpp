#pragma once
/// @file
/// Publishing with publisher confirms, pipelined: many messages in flight on one channel, each
/// publish() resolving when the broker confirmed THAT message (delivery tags, multiple acks).
/// A bounded window of unconfirmed messages: beyond it publish() waits for a slot within the
/// caller's deadline (with_timeout / cancellation), never queueing without end.
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <string>

#include "core/amqp/message.hpp"
#include "core/metrics/metrics.hpp"
#include "core/runtime/wait_list.hpp"
#include "core/runtime/task.hpp"

namespace core::amqp {

namespace detail {
class ConnectionCore;
}

class Publisher {
 public:
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  /// Publishes body and resolves once the broker confirmed it (for a durable queue: written).
  /// Throws ConnectionError when not connected or when the connection is lost before the
  /// confirm (it may or may not have been stored: retry, message_id makes it idempotent),
  /// Blocked while the broker blocks publishers, Nacked on basic.nack, Unroutable when
  /// `mandatory` and no queue matched, ServerError when the broker closed the channel
  /// (e.g. unknown exchange), Cancelled/TimeoutError from the caller's deadline.
  /// An empty props.message_id is filled with a generated one.
  Task<void> publish(std::string exchange, std::string routing_key, std::string body,
                     Properties props = {}, bool mandatory = true);

  /// Messages published and not yet confirmed.
  std::size_t unconfirmed() const noexcept { return outstanding_; }
  std::size_t window() const noexcept { return window_; }
  std::uint64_t confirmed_total() const noexcept { return confirmed_total_; }

  /// Waits until nothing is unconfirmed (drain before close).
  Task<void> wait_drained();

 private:
  friend class detail::ConnectionCore;
  class ConfirmAwaiter;
  enum class Result { acked, nacked, returned, lost };
  struct Slot {
    std::uint64_t tag = 0;
    ConfirmAwaiter* waiter = nullptr;
    std::string message_id;
    bool done = false;
    bool returned = false;
    std::string return_text;
  };

  Publisher(detail::ConnectionCore& core, std::size_t window);
  void on_open();
  void on_ack(std::uint64_t tag, bool multiple, bool nack);
  void on_return(const std::string& message_id, std::string text);
  void on_lost(std::exception_ptr error);
  void complete(Slot& slot, Result result, std::exception_ptr error = nullptr);
  Slot* find(std::uint64_t tag);
  static void count_confirm(Result result);
  std::string next_message_id();

  detail::ConnectionCore& core_;
  std::size_t window_;
  std::deque<Slot> slots_;  // consecutive delivery tags, oldest first
  std::uint64_t next_tag_ = 1;
  std::size_t outstanding_ = 0;
  std::uint64_t confirmed_total_ = 0;
  std::uint64_t id_counter_ = 0;
  std::string id_prefix_;
  WaitList window_waiters_;
  WaitList drained_;
  metrics::GaugeShare unconfirmed_;  // amqp_publish_unconfirmed
};

}  // namespace core::amqp
