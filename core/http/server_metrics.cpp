#include "core/http/server_metrics.hpp"

#include <string>
#include <unordered_map>

namespace core::http {

ServerMetrics& server_metrics() {
  static ServerMetrics m{
      metrics::registry().gauge("http_open_connections", "Open HTTP connections"),
      metrics::registry().gauge("http_requests_in_flight", "HTTP requests being handled"),
      metrics::registry().counter("http_rejected_connections_total",
                                  "Connections refused at the connection cap or while draining"),
  };
  return m;
}

void record_request(std::string_view route, std::string_view method, int status, double seconds) {
  // The registry is shared by all workers and locks; each thread keeps its own lookup cache.
  struct Entry {
    metrics::Counter* count;
    metrics::Histogram* latency;
  };
  thread_local std::unordered_map<std::string, Entry> cache;
  std::string key;
  key.reserve(route.size() + method.size() + 5);
  key.append(route).append(1, ' ').append(method).append(1, ' ').append(std::to_string(status));
  auto it = cache.find(key);
  if (it == cache.end()) {
    Entry e{
        &metrics::registry().counter(
            "http_requests_total", "HTTP requests answered",
            {{"route", std::string(route)}, {"method", std::string(method)}, {"status", std::to_string(status)}}),
        &metrics::registry().histogram("http_request_duration_seconds", "HTTP request latency",
                                       {{"route", std::string(route)}}),
    };
    it = cache.emplace(std::move(key), e).first;
  }
  it->second.count->inc();
  it->second.latency->observe(seconds);
}

}  // namespace core::http
