#pragma once
/// @file
/// The RPC server's metrics: calls by method and outcome, latency by method, open connections,
/// calls in flight, frames that did not decode.
#include <string_view>

#include "core/metrics/registry.hpp"

namespace core::rpc {

struct ServerMetrics {
  metrics::Gauge& open_connections;
  metrics::Gauge& in_flight;
  metrics::Counter& decode_errors;
  metrics::Counter& rejected_connections;
};

ServerMetrics& server_metrics();

/// Counts one answered call. `method` is a registered method or "unknown" (peers choose
/// method names, so unregistered ones share one label value).
void record_call(std::string_view method, bool ok, double seconds);

}  // namespace core::rpc
