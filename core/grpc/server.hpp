#pragma once
/// @file
/// The gRPC server of one worker: accepts h2c connections (SO_REUSEPORT across workers) and
/// serves each with a ServerConnection; drain() sends GOAWAY everywhere and waits until the
/// calls in flight are answered.
#include <memory>
#include <string>

#include "core/grpc/server_connection.hpp"
#include "core/net/tcp_server.hpp"

namespace core::grpc {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 50001;
  bool reuse_port = true;
  std::size_t max_connections = 10000;
  ConnectionConfig connection;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts accepting on the calling loop.
  void start();
  int port() const noexcept { return tcp_.port(); }
  std::size_t connections() const noexcept { return tcp_.connections().size(); }

  /// Stops accepting; every connection gets GOAWAY and closes once its open streams are
  /// answered. Run it under a deadline (cancelled, it cuts what is left).
  Task<void> drain();

 private:
  void serve(TcpStream stream);

  std::shared_ptr<const ConnectionConfig> config_;
  TcpServer tcp_;
};

}  // namespace core::grpc
