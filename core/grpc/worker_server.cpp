#include "core/grpc/worker_server.hpp"

#include "core/grpc/server.hpp"

namespace core::grpc {

void serve_on_worker(Worker& worker, std::shared_ptr<const MethodTable> methods, int port,
                     const config::ServerLimits& limits) {
  ServerOptions o;
  o.port = port;
  o.max_connections = limits.max_connections;
  o.connection.methods = std::move(methods);
  o.connection.token = limits.internal_token;
  auto server = std::make_shared<Server>(std::move(o));
  server->start();
  worker.on_drain([server]() { return server->drain(); });
}

}  // namespace core::grpc
