#pragma once
// The HTTP server's metrics: requests by route/method/status, latency by route, open
// connections, requests in flight.
#include <string_view>

#include "core/metrics/registry.hpp"

namespace core::http {

struct ServerMetrics {
  metrics::Gauge& open_connections;
  metrics::Gauge& in_flight;
  metrics::Counter& rejected_connections;
};

ServerMetrics& server_metrics();

/// Counts one answered request and its latency (lookups are cached per thread).
void record_request(std::string_view route, std::string_view method, int status, double seconds);

/// Counts a request as in flight for its lifetime.
class ScopedInFlight {
 public:
  ScopedInFlight() { server_metrics().in_flight.inc(); }
  ~ScopedInFlight() { server_metrics().in_flight.dec(); }
  ScopedInFlight(const ScopedInFlight&) = delete;
  ScopedInFlight& operator=(const ScopedInFlight&) = delete;
};

}  // namespace core::http
