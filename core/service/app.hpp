#pragma once
// The service kit: configuration from the environment, N share-nothing workers each with its
// own HTTP server, the built-in /ping /healthz /readyz /metrics routes, JSON logs, and a
// graceful drain on SIGTERM. A service's main is: App -> routes -> run().
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config/env.hpp"
#include "core/config/server_limits.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "core/runtime/workers.hpp"

namespace core::service {

using http::Context;
using http::Handler;
using http::Response;

class App {
 public:
  /// Reads PORT (default_port) and the shared limits; `--workers N` overrides WORKERS.
  App(std::string name, int default_port, int argc = 0, char** argv = nullptr);

  config::Env& env() noexcept { return env_; }
  const config::ServerLimits& limits() const noexcept { return limits_; }
  const std::string& name() const noexcept { return name_; }
  int port() const noexcept { return port_; }

  /// A route served by every worker. Handlers keep no per-worker state (see on_worker).
  void route(std::string method, std::string path, Handler handler);

  /// A readiness check behind /readyz: true when the dependency is reachable. Runs on the
  /// worker that serves the probe, under a 2 s deadline.
  void readiness(std::string name, std::function<Task<bool>()> check);

  /// Runs on each worker thread before it serves: create that worker's clients and pools and
  /// add routes that use them (router is that worker's own copy).
  void on_worker(std::function<void(Worker&, http::Router&)> setup);

  /// Exits with one line per bad variable if the configuration is invalid; otherwise serves
  /// until SIGTERM/SIGINT and returns the exit code.
  int run();

 private:
  void setup_worker(Worker& worker);

  std::string name_;
  config::Env env_;
  config::ServerLimits limits_;
  http::AdmissionOptions admission_;
  int port_;
  http::Router routes_;
  std::vector<std::pair<std::string, std::function<Task<bool>()>>> checks_;
  std::vector<std::function<void(Worker&, http::Router&)>> worker_setups_;
};

/// The ServerOptions the limits describe (for services with a second HTTP listener).
http::ServerOptions server_options(const config::ServerLimits& limits, int port);
/// The rate limiter (RATE_LIMIT_RPS, RATE_LIMIT_BURST; a new one each call), the trusted
/// proxies and the in-flight cap of the limits.
http::AdmissionOptions admission_options(const config::ServerLimits& limits);

}  // namespace core::service
