// The connection's state, its synchronous calls and its consumers; the life cycle is in
// connection_lifecycle.cpp, the frames in connection_frames.cpp.
#include "core/amqp/connection_core.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/amqp/error.hpp"
#include "core/amqp/rpc_awaiter.hpp"
#include "core/log/log.hpp"
#include "core/runtime/spawn.hpp"

namespace core::amqp::detail {

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

}  // namespace core::amqp::detail
