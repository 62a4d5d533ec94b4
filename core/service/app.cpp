#include "core/service/app.hpp"

#include <cstdlib>
#include <cstring>

#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "core/metrics/build_info.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/spawn.hpp"
#include "core/trace/span.hpp"

namespace core::service {

namespace {

int workers_from_args(int argc, char** argv, int fallback) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    const char* value = nullptr;
    if (std::strcmp(a, "--workers") == 0 && i + 1 < argc) value = argv[i + 1];
    else if (std::strncmp(a, "--workers=", 10) == 0) value = a + 10;
    if (value) {
      int n = std::atoi(value);
      if (n > 0) return n;
    }
  }
  return fallback;
}

Task<Response> ping(Context&) { co_return http::text(200, "."); }

Task<Response> healthz(Context&) { co_return http::write_json(200, "alive"); }

Task<Response> metrics(Context&) {
  co_return http::text(200, metrics::registry().render(), "text/plain; version=0.0.4; charset=utf-8");
}

Task<bool> run_check(std::function<Task<bool>()> check) {
  try {
    co_return co_await with_timeout(check(), std::chrono::seconds(2));
  } catch (const std::exception&) {
    co_return false;
  }
}

using Checks = std::vector<std::pair<std::string, std::function<Task<bool>()>>>;

Task<Response> readyz(const Checks* checks, Context&) {
  auto data = wire::json::Value::object();
  bool all = true;
  for (const auto& [name, check] : *checks) {
    bool ok = co_await run_check(check);
    all = all && ok;
    data.set(name, wire::json::Value::string(ok ? "ok" : "unreachable"));
  }
  if (current_worker().draining()) {
    all = false;
    data.set("server", wire::json::Value::string("draining"));
  }
  if (all) co_return http::write_json(200, "ready", data);
  Response r = http::write_json(503, "not ready", data);
  r.headers.push_back({"Retry-After", "1"});
  co_return r;
}

}  // namespace

http::AdmissionOptions admission_options(const config::ServerLimits& limits) {
  http::AdmissionOptions a;
  if (limits.rate_limit_rps > 0) {
    const int burst = limits.rate_limit_burst > 0 ? limits.rate_limit_burst : 2 * limits.rate_limit_rps;
    a.rate_limiter = std::make_shared<http::RateLimiter>(limits.rate_limit_rps, burst);
  }
  if (auto proxies = http::parse_networks(limits.trusted_proxies)) a.trusted_proxies = std::move(proxies).value();
  a.max_in_flight = limits.max_in_flight;
  return a;
}

http::ServerOptions server_options(const config::ServerLimits& limits, int port) {
  http::ServerOptions o;
  o.port = port;
  o.limits.max_header_bytes = limits.max_header_bytes;
  o.limits.max_headers = limits.max_headers;
  o.limits.max_body = limits.max_body_bytes;
  o.header_timeout = limits.header_read_timeout;
  o.body_timeout = limits.body_read_timeout;
  o.idle_timeout = limits.idle_timeout;
  o.write_timeout = limits.body_read_timeout;
  o.max_connections = limits.max_connections;
  o.cors_origins = limits.cors_origins;
  o.internal_token = limits.internal_token;
  o.admission = admission_options(limits);
  return o;
}

App::App(std::string name, int default_port, int argc, char** argv) : name_(std::move(name)) {
  log::set_service(name_);
  metrics::register_build_info(name_);
  port_ = env_.integer("PORT", default_port, 1, 65535);
  limits_ = config::read_server_limits(env_);
  limits_.workers = workers_from_args(argc, argv, limits_.workers);
  log::set_level(limits_.log_level);
  if (auto proxies = http::parse_networks(limits_.trusted_proxies); !proxies) {
    env_.fail("TRUSTED_PROXIES must be addresses or networks (CIDR): " + proxies.error().message);
  }
  admission_ = admission_options(limits_);  // one rate limiter for all workers
  if (auto tracing = trace::config_from_env(name_); tracing.config) {
    trace::init(std::move(*tracing.config));
  } else {
    env_.fail(tracing.error);
  }
  routes_.add("GET", "/ping", ping);
  routes_.add("GET", "/healthz", healthz);
  routes_.add("GET", "/metrics", metrics);
  routes_.add("GET", "/readyz", [this](Context& ctx) { return readyz(&checks_, ctx); });
}

void App::route(std::string method, std::string path, Handler handler) {
  routes_.add(std::move(method), std::move(path), std::move(handler));
}

void App::readiness(std::string name, std::function<Task<bool>()> check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

void App::on_worker(std::function<void(Worker&, http::Router&)> setup) {
  worker_setups_.push_back(std::move(setup));
}

void App::setup_worker(Worker& worker) {
  auto router = std::make_shared<http::Router>(routes_);
  http::ServerOptions options = server_options(limits_, port_);
  options.admission = admission_;
  auto server = std::make_shared<http::Server>(std::move(options), router);
  // The HTTP drain hook comes first: in-flight requests finish before what they use (RPC
  // servers, AMQP connections registered by the setups below) is closed.
  worker.on_drain([server]() -> Task<void> { return server->drain(); });
  for (auto& setup : worker_setups_) setup(worker, *router);
  server->start();
  if (worker.index() == 0) log::info("{} listening on :{} with {} workers", name_, server->port(), limits_.worker_count());
}

int App::run() {
  config::exit_if_invalid(env_);
  WorkerOptions options;
  options.workers = limits_.worker_count();
  options.drain_grace = limits_.drain_grace;
  if (trace::config().enabled()) {
    log::info("tracing: spans of {} to {} (sample ratio {})", trace::config().service, trace::config().endpoint,
              trace::config().sample_ratio);
  }
  int rc = run_workers(options, [this](Worker& w) { setup_worker(w); });
  trace::shutdown();  // sends the spans still queued
  log::info("{} stopped", name_);
  return rc;
}

}  // namespace core::service
