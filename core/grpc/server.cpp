#include "core/grpc/server.hpp"

#include "core/runtime/spawn.hpp"

namespace core::grpc {

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      config_(std::make_shared<const ConnectionConfig>(options_.connection)),
      connections_(options_.max_connections) {}

// Then connections_ cuts and detaches the connections left.
Server::~Server() { listener_.close(); }

void Server::start() {
  listener_.listen(options_.host, options_.port, options_.reuse_port,
                   [this](TcpStream stream) { accept(std::move(stream)); });
}

void Server::accept(TcpStream stream) {
  if (!connections_.accepting()) {
    stream.reset();
    return;
  }
  auto conn = std::make_unique<ServerConnection>(std::move(stream), config_);
  connections_.add(*conn);
  CancelToken* read_token = conn->read_token();
  spawn(ServerConnection::serve(std::move(conn)), read_token, "grpc connection");
}

namespace {
void begin_drain(ConnectionSet::Member& m) { static_cast<ServerConnection&>(m).begin_drain(); }
}  // namespace

Task<void> Server::drain() {
  listener_.close();
  co_await connections_.drain(&begin_drain);
}

}  // namespace core::grpc
