#include "core/config/server_limits.hpp"

#include <thread>

namespace core::config {

int ServerLimits::worker_count() const noexcept {
  if (workers > 0) return workers;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

ServerLimits read_server_limits(Env& env) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  ServerLimits l;
  const milliseconds min_timeout(1);
  l.header_read_timeout = env.duration("HEADER_READ_TIMEOUT", l.header_read_timeout, min_timeout);
  l.body_read_timeout = env.duration("BODY_READ_TIMEOUT", l.body_read_timeout, min_timeout);
  l.idle_timeout = env.duration("IDLE_TIMEOUT", l.idle_timeout, min_timeout);
  l.max_header_bytes = static_cast<std::size_t>(
      env.integer("MAX_HEADER_BYTES", static_cast<int>(l.max_header_bytes), 1024, 1 << 20));
  l.max_headers = static_cast<std::size_t>(
      env.integer("MAX_HEADERS", static_cast<int>(l.max_headers), 1, 10000));
  l.max_body_bytes = static_cast<std::size_t>(
      env.integer("MAX_BODY_BYTES", static_cast<int>(l.max_body_bytes), 0, 1 << 30));
  l.max_connections = static_cast<std::size_t>(
      env.integer("MAX_CONNECTIONS", static_cast<int>(l.max_connections), 1, 1000000));
  l.downstream_timeout = env.duration("DOWNSTREAM_TIMEOUT", l.downstream_timeout, min_timeout);
  l.drain_grace = env.duration("DRAIN_GRACE", l.drain_grace, milliseconds(0), hours(1));
  l.workers = env.integer("WORKERS", l.workers, 0, 1024);
  l.log_level =
      log::parse_level(env.one_of("LOG_LEVEL", "info", {"debug", "info", "warn", "error"}));
  l.cors_origins = env.list("CORS_ORIGINS");
  l.rate_limit_rps = env.integer("RATE_LIMIT_RPS", l.rate_limit_rps, 0, 1000000);
  l.rate_limit_burst = env.integer("RATE_LIMIT_BURST", l.rate_limit_burst, 0, 1000000);
  l.trusted_proxies = env.list("TRUSTED_PROXIES");
  l.max_in_flight = static_cast<std::size_t>(
      env.integer("MAX_IN_FLIGHT", static_cast<int>(l.max_in_flight), 0, 1000000));
  l.internal_token = env.str("INTERNAL_TOKEN", "");
  l.downstream_token = env.str("DOWNSTREAM_TOKEN", l.internal_token);
  return l;
}

}  // namespace core::config
