#pragma once
/// @file
/// The RPC server of one worker: Go's net/rpc over TCP, gob or JSON-RPC told apart by the first
/// byte of each connection. Every call runs as its own coroutine, so many are in flight on one
/// connection; replies go out in completion order, several per write when they complete
/// together. A connection holds at most max_in_flight calls (reading pauses beyond: TCP
/// back-pressure). A frame that does not decode, or is too large, is answered with an error
/// when it can be matched to a call, and closes that connection only.
#include <chrono>
#include <memory>
#include <string>

#include "core/net/tcp_server.hpp"
#include "core/rpc/registry.hpp"

namespace core::rpc {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 5001;
  bool reuse_port = true;
  std::size_t max_connections = 10000;
  /// Calls running at once per connection.
  std::size_t max_in_flight = 256;
  /// A connection with no call in flight and nothing arriving for this long is closed.
  Duration idle_timeout = std::chrono::minutes(5);
  /// A frame, once begun, must arrive whole within this.
  Duration frame_timeout = std::chrono::seconds(30);
  /// A peer that does not take our replies for this long is cut off.
  Duration write_timeout = std::chrono::seconds(30);
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Registry> registry);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts accepting on the calling loop.
  void start();
  int port() const noexcept { return tcp_.port(); }
  std::size_t connections() const noexcept { return tcp_.connections().size(); }

  /// Stops accepting and reading; calls in flight finish and are answered, then every
  /// connection closes. Returns when none is left; run it under a deadline (cancelled, it
  /// cuts what is left).
  Task<void> drain();

  struct Connection;

 private:
  friend Task<void> serve_connection(Server* server, std::unique_ptr<Connection> conn);
  void accept(TcpStream stream);

  ServerOptions options_;
  std::shared_ptr<const Registry> registry_;
  TcpServer tcp_;
};

}  // namespace core::rpc
