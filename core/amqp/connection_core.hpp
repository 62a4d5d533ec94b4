#pragma once
// The state behind a Connection, shared (shared_ptr) with every task it starts, so a task
// that resumes after the Connection was destroyed still finds it. Owns the live Transport,
// the publisher, the consumers, the reconnect loop and the RPCs made on the loop (basic.cancel,
// channel.open/close, basic.qos/consume for consumers added while connected, connection.close).
#include <coroutine>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/amqp/connection.hpp"
#include "core/amqp/transport.hpp"
#include "core/runtime/wait_list.hpp"

namespace core::amqp::detail {

class ConnectionCore final : public FrameSink, public std::enable_shared_from_this<ConnectionCore> {
 public:
  explicit ConnectionCore(ConnectionOptions options);
  ~ConnectionCore();

  void start();
  Task<void> close(Duration grace);
  /// Like close without grace, for ~Connection: the run task unwinds on its own.
  void abandon() noexcept;

  ConnectionState state() const noexcept { return state_; }
  bool blocked() const noexcept { return blocked_; }
  bool ready() const noexcept;
  const std::string& last_error() const noexcept { return last_error_; }
  std::uint64_t connects() const noexcept { return connects_; }
  std::uint64_t generation() const noexcept { return generation_; }
  Publisher& publisher() noexcept { return publisher_; }

  /// The live transport, or null while disconnected.
  Transport* transport() noexcept {
    return transport_ && !transport_->failed() && state_ == ConnectionState::open ? transport_.get()
                                                                                  : nullptr;
  }
  /// Throws ConnectionError unless open, Blocked while blocked.
  Transport& publishable();

  Consumer& consume(std::string queue, std::uint16_t prefetch, Handler handler,
                    std::size_t concurrency);

  Task<void> wait_state(bool ready);
  /// Sends a synchronous method on channel and waits for `reply` on it. Throws
  /// ConnectionError when the connection is lost meanwhile, ServerError when the broker closes
  /// the channel instead of answering.
  Task<void> rpc(std::uint16_t channel, amqp_method_number_t id, void* decoded,
                 amqp_method_number_t reply);

  void abort_socket() noexcept {
    if (transport_) transport_->abort_socket();
  }

  // FrameSink
  void on_frame(const amqp_frame_t& frame) override;
  void on_transport_failed(const std::string& reason) override;

 private:
  class RpcAwaiter;
  /// A message being assembled from method + header + body frames on one channel.
  struct Incoming {
    enum class Kind { none, deliver, returned } kind = Kind::none;
    Delivery delivery;
    std::string return_text;
    std::uint64_t body_size = 0;
    bool have_header = false;
  };

  static Task<void> run(std::shared_ptr<ConnectionCore> self);
  static Task<void> establish(std::shared_ptr<ConnectionCore> self, Consumer* consumer,
                              std::uint64_t generation);
  static Task<void> stop_consumer(std::shared_ptr<ConnectionCore> self, Consumer* consumer,
                                  Duration grace);
  ThreadPool& pool();
  SetupRequest setup_request(std::vector<Consumer*>& included);
  void on_open(const std::vector<Consumer*>& included, SetupResult result);
  void on_channel_frame(const amqp_frame_t& frame);
  void on_connection_method(const amqp_method_t& method);
  void on_content_done(std::uint16_t channel);
  bool complete_rpc(std::uint16_t channel, amqp_method_number_t id, std::exception_ptr error);
  Consumer* consumer_on(std::uint16_t channel) noexcept;
  Incoming& incoming(std::uint16_t channel);
  void set_state(ConnectionState s);

  ConnectionOptions options_;
  ConnectionState state_ = ConnectionState::disconnected;
  bool started_ = false;
  bool closing_ = false;
  bool blocked_ = false;
  std::uint64_t generation_ = 0;
  std::uint64_t connects_ = 0;
  std::string last_error_;
  std::exception_ptr failure_;  // why the current transport failed, for what was in flight
  std::unique_ptr<Transport> transport_;
  Publisher publisher_;
  std::deque<std::unique_ptr<Consumer>> consumers_;
  std::uint16_t next_channel_ = kPublishChannel + 1;
  std::vector<Incoming> incoming_;  // by channel
  std::vector<RpcAwaiter*> rpcs_;   // at most one per channel
  WaitList state_changed_;
  WaitList lost_;
  WaitList run_done_;
  bool running_ = false;
  std::size_t establishing_ = 0;  // consumer set-ups running on the loop (close waits for them)
  std::size_t stopping_consumers_ = 0;  // consumers close() is stopping
  WaitList consumers_stopped_;
  CancelToken run_cancel_;
};

}  // namespace core::amqp::detail
