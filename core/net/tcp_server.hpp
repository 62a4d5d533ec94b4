#pragma once
/// @file
/// What every TCP server of one worker shares, whatever its protocol: the listener (with
/// SO_REUSEPORT every worker binds the same port), the set of live connections with its cap
/// (a connection beyond it, or arriving during a drain, is reset at once), and the graceful
/// drain. A protocol server says how to serve one accepted connection: make its
/// ConnectionSet::Member, add it to connections() and spawn its coroutine under the member's
/// token.
#include <cstddef>
#include <functional>
#include <string>

#include "core/net/connection_set.hpp"
#include "core/net/tcp_listener.hpp"

namespace core {

struct TcpServerOptions {
  std::string host = "0.0.0.0";
  int port = 0;
  bool reuse_port = true;
  std::size_t max_connections = 10000;
};

class TcpServer {
 public:
  using Serve = std::function<void(TcpStream)>;
  /// Counts a refused connection (a metric).
  using OnRefused = void (*)();

  TcpServer(TcpServerOptions options, OnRefused on_refused) noexcept;
  /// Closes the listener; then the connection set cuts and detaches the connections left.
  ~TcpServer() { listener_.close(); }
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  /// Binds and starts accepting on the calling loop; throws on failure.
  void start(Serve serve);
  int port() const noexcept { return listener_.port(); }
  ConnectionSet& connections() noexcept { return connections_; }
  const ConnectionSet& connections() const noexcept { return connections_; }

  /// Stops accepting, applies `stop` to every connection, returns when none is left. Run it
  /// under a deadline: cancelled, it cuts what is left.
  Task<void> drain(ConnectionSet::StopAtDrain stop = &ConnectionSet::cut_if_idle);

 private:
  void accept(TcpStream stream);

  TcpServerOptions options_;
  OnRefused on_refused_;
  Serve serve_;
  TcpListener listener_;
  ConnectionSet connections_;
};

}  // namespace core
