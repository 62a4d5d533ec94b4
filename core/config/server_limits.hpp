#pragma once
// The limits and knobs every service's HTTP side shares, with the design brief's defaults.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "core/config/env.hpp"
#include "core/log/log.hpp"

namespace core::config {

struct ServerLimits {
  std::chrono::milliseconds header_read_timeout{std::chrono::seconds(10)};  // HEADER_READ_TIMEOUT
  std::chrono::milliseconds body_read_timeout{std::chrono::seconds(30)};    // BODY_READ_TIMEOUT
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};         // IDLE_TIMEOUT
  std::size_t max_header_bytes = 16384;                                     // MAX_HEADER_BYTES
  std::size_t max_headers = 100;                                            // MAX_HEADERS
  std::size_t max_body_bytes = 1048576;                                     // MAX_BODY_BYTES
  std::size_t max_connections = 10000;  // MAX_CONNECTIONS, per worker
  std::chrono::milliseconds downstream_timeout{std::chrono::seconds(5)};  // DOWNSTREAM_TIMEOUT
  std::chrono::milliseconds drain_grace{std::chrono::seconds(20)};        // DRAIN_GRACE
  int workers = 0;                          // WORKERS; 0 = one per core (see worker_count())
  log::Level log_level = log::Level::info;  // LOG_LEVEL: debug|info|warn|error
  std::vector<std::string> cors_origins;    // CORS_ORIGINS, comma-separated; empty = no CORS
  int rate_limit_rps = 0;                   // RATE_LIMIT_RPS per client; 0 = off
  int rate_limit_burst = 0;                 // RATE_LIMIT_BURST; 0 = twice the rate
  std::vector<std::string> trusted_proxies;  // TRUSTED_PROXIES: addresses or networks (CIDR)
  std::size_t max_in_flight = 1024;         // MAX_IN_FLIGHT per worker; 0 = no cap
  std::string internal_token;               // INTERNAL_TOKEN; empty = not required
  /// DOWNSTREAM_TOKEN, default INTERNAL_TOKEN: sent as "Authorization: Bearer" to the services
  /// this one calls. Apart from INTERNAL_TOKEN so that a public service (the broker) can send
  /// a token without requiring one from its own clients.
  std::string downstream_token;

  /// `workers`, or the number of cores when it is 0 (at least 1).
  int worker_count() const noexcept;
};

/// Reads the variables named above; bad values are recorded in `env` (defaults kept).
ServerLimits read_server_limits(Env& env);

}  // namespace core::config
