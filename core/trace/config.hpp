#pragma once
/// @file
/// Tracing settings from the environment, as the OpenTelemetry specification names them:
///   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT   full URL spans are POSTed to (http:// only), or else
///   OTEL_EXPORTER_OTLP_ENDPOINT          base URL; "/v1/traces" is appended
///   OTEL_EXPORTER_OTLP_TRACES_PROTOCOL   http/protobuf (the default, as the specification
///     or OTEL_EXPORTER_OTLP_PROTOCOL     says) or http/json
///   OTEL_SERVICE_NAME                    service.name (default: the service's own name)
///   TRACE_SAMPLE_RATIO                   share of new traces recorded, 0..1 (default 1.0)
/// Without an endpoint tracing is off: no span is recorded or exported, and an incoming
/// traceparent is still passed on to the next hop.
#include <optional>
#include <string>
#include <string_view>

namespace core::trace {

/// How a batch is written on the wire.
enum class Protocol { protobuf, json };

struct Config {
  std::string endpoint;  ///< where batches go ("" : tracing off)
  Protocol protocol = Protocol::protobuf;
  std::string service;
  double sample_ratio = 1.0;
  std::size_t queue_capacity = 8192;  ///< spans waiting for export; beyond it they are dropped
  std::size_t batch_size = 512;
  int flush_interval_ms = 1000;
  int export_timeout_ms = 5000;

  bool enabled() const noexcept { return !endpoint.empty(); }
};

/// Reads the variables above. A bad TRACE_SAMPLE_RATIO or endpoint is an error message
/// (start-up stops with it); otherwise the Config.
struct ConfigOrError {
  std::optional<Config> config;
  std::string error;
};
ConfigOrError config_from_env(std::string_view default_service);

}  // namespace core::trace
