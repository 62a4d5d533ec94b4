#pragma once
/// @file
/// The RPC client of one worker loop: a small pool of long-lived connections to one server,
/// many calls multiplexed on each (matched by sequence number / id). Every call has a
/// deadline; a reply that comes after it is dropped. A connection that breaks fails the calls
/// it carried with core::NetError and is replaced on the next call.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/net/tcp_stream.hpp"  // core::NetError
#include "core/rpc/errors.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"

namespace core::rpc {

struct ClientOptions {
  std::string host = "127.0.0.1";
  int port = 5001;
  Codec codec = Codec::gob;
  /// Connections in the pool; calls are spread over them in turn.
  std::size_t connections = 2;
  /// Deadline of each call, connecting included.
  Duration call_timeout = std::chrono::seconds(5);
  Duration connect_timeout = std::chrono::seconds(2);
  /// Calls in flight per connection; one more fails at once with NetError (UV_EBUSY).
  std::size_t max_in_flight = 1024;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  /// Fails the calls in flight (NetError) and closes the connections.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Calls `method` ("RPCServer.LogInfo") and returns the result string. Throws rpc::Error for
  /// an error reply (the server's message), core::TimeoutError past call_timeout,
  /// core::NetError when the server cannot be reached or the connection breaks with the call
  /// in flight, rpc::ProtocolError for a reply that does not decode.
  Task<std::string> call(std::string method, Payload payload);

  /// Fails the calls in flight (NetError), closes the connections and waits until their
  /// coroutines are gone: a worker's drain step, while its loop still runs, so nothing of the
  /// client outlives the loop. Calls after it fail at once with NetError.
  Task<void> close();

  const ClientOptions& options() const noexcept { return options_; }
  /// Connections open now (for tests and metrics).
  std::size_t open_connections() const noexcept;

  struct Connection;

 private:
  std::shared_ptr<Connection> pick();

  ClientOptions options_;
  std::vector<std::shared_ptr<Connection>> pool_;
  std::size_t next_ = 0;
  bool closed_ = false;
};

}  // namespace core::rpc
