#pragma once
/// @file
/// ConnectionCore's waiter for the reply to a synchronous AMQP method (private to the
/// connection_*.cpp files).
#include <algorithm>
#include <exception>

#include "core/amqp/connection_core.hpp"

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

}  // namespace core::amqp::detail
