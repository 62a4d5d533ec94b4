#pragma once
// The HTTP/1.1 server of one worker: a listener (SO_REUSEPORT, so every worker binds the same
// port), one coroutine per connection, keep-alive and pipelining, per-connection timeouts,
// a connection cap, request ids, CORS, internal auth and metrics, and a graceful drain.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/http/rate_limit.hpp"
#include "core/http/router.hpp"
#include "core/net/tcp_server.hpp"
#include "wire/http/limits.hpp"

namespace core::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;
  bool reuse_port = true;
  wire::http::Limits limits;
  Duration header_timeout = std::chrono::seconds(10);
  Duration body_timeout = std::chrono::seconds(30);
  Duration idle_timeout = std::chrono::seconds(60);
  Duration write_timeout = std::chrono::seconds(30);
  std::size_t max_connections = 10000;
  std::vector<std::string> cors_origins;  // exact origins, or "*"
  std::string internal_token;             // when set: Bearer token required (see open_paths)
  std::vector<std::string> open_paths = {"/ping", "/healthz", "/readyz", "/metrics"};
  AdmissionOptions admission;  // rate limit, trusted proxies, in-flight cap (not on open_paths)
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts accepting on the calling loop.
  void start();
  int port() const noexcept { return tcp_.port(); }
  std::size_t connections() const noexcept { return tcp_.connections().size(); }

  /// Stops accepting, closes idle connections, lets busy ones finish their request (answered
  /// with Connection: close); returns when none is left. Run it under a deadline.
  Task<void> drain();

  struct Connection;

 private:
  friend class Session;
  void accept(TcpStream stream);
  Task<Response> dispatch(Context& ctx);

  ServerOptions options_;
  std::shared_ptr<const Router> router_;
  TcpServer tcp_;
  RequestGate gate_;
};

}  // namespace core::http
