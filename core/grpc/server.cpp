#include "core/grpc/server.hpp"

#include "core/runtime/spawn.hpp"

namespace core::grpc {

namespace {
TcpServerOptions tcp_options(const ServerOptions& o) {
  return TcpServerOptions{o.host, o.port, o.reuse_port, o.max_connections};
}
}  // namespace

Server::Server(ServerOptions options)
    : config_(std::make_shared<const ConnectionConfig>(std::move(options.connection))),
      tcp_(tcp_options(options), nullptr) {}

void Server::start() {
  tcp_.start([this](TcpStream stream) { serve(std::move(stream)); });
}

void Server::serve(TcpStream stream) {
  auto conn = std::make_unique<ServerConnection>(std::move(stream), config_);
  tcp_.connections().add(*conn);
  CancelToken* read_token = conn->read_token();
  spawn(ServerConnection::serve(std::move(conn)), read_token, "grpc connection");
}

namespace {
void begin_drain(ConnectionSet::Member& m) { static_cast<ServerConnection&>(m).begin_drain(); }
}  // namespace

Task<void> Server::drain() { co_await tcp_.drain(&begin_drain); }

}  // namespace core::grpc
