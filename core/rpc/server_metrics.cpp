#include "core/rpc/server_metrics.hpp"

#include <string>
#include <unordered_map>

namespace core::rpc {

ServerMetrics& server_metrics() {
  static ServerMetrics m{
      metrics::registry().gauge("rpc_server_open_connections", "Open RPC connections"),
      metrics::registry().gauge("rpc_server_calls_in_flight", "RPC calls being handled"),
      metrics::registry().counter("rpc_server_decode_errors_total",
                                  "RPC frames that did not decode (connection closed)"),
      metrics::registry().counter(
          "rpc_server_rejected_connections_total",
          "RPC connections refused at the connection cap or while draining"),
  };
  return m;
}

void record_call(std::string_view method, bool ok, double seconds) {
  // The registry locks; each thread keeps its own lookup cache.
  struct Entry {
    metrics::Counter* ok;
    metrics::Counter* error;
    metrics::Histogram* latency;
  };
  thread_local std::unordered_map<std::string, Entry> cache;
  auto it = cache.find(std::string(method));
  if (it == cache.end()) {
    auto& r = metrics::registry();
    std::string m(method);
    Entry e{
        &r.counter("rpc_server_calls_total", "RPC calls answered",
                   {{"method", m}, {"outcome", "ok"}}),
        &r.counter("rpc_server_calls_total", "RPC calls answered",
                   {{"method", m}, {"outcome", "error"}}),
        &r.histogram("rpc_server_call_duration_seconds", "RPC call latency", {{"method", m}}),
    };
    it = cache.emplace(std::move(m), e).first;
  }
  (ok ? it->second.ok : it->second.error)->inc();
  it->second.latency->observe(seconds);
}

}  // namespace core::rpc
