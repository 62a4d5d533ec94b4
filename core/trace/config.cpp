#include "core/trace/config.hpp"

#include <cstdlib>
#include <string>

namespace core::trace {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

ConfigOrError config_from_env(std::string_view default_service) {
  Config c;
  c.service = env("OTEL_SERVICE_NAME");
  if (c.service.empty()) c.service = std::string(default_service);
  if (std::string ratio = env("TRACE_SAMPLE_RATIO"); !ratio.empty()) {
    char* end = nullptr;
    const double r = std::strtod(ratio.c_str(), &end);
    if (end == ratio.c_str() || *end != '\0' || !(r >= 0 && r <= 1)) {
      return {std::nullopt, "TRACE_SAMPLE_RATIO must be a number from 0 to 1, got '" + ratio + "'"};
    }
    c.sample_ratio = r;
  }
  const char* protocol_var = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
  std::string protocol = env(protocol_var);
  if (protocol.empty()) protocol = env(protocol_var = "OTEL_EXPORTER_OTLP_PROTOCOL");
  if (protocol == "http/json") {
    c.protocol = Protocol::json;
  } else if (!protocol.empty() && protocol != "http/protobuf") {
    return {std::nullopt, std::string(protocol_var) +
                              " must be http/protobuf or http/json (grpc is not offered), got '" +
                              protocol + "'"};
  }
  std::string endpoint = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (endpoint.empty()) {
    endpoint = env("OTEL_EXPORTER_OTLP_ENDPOINT");
    if (!endpoint.empty()) {
      while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
      endpoint += "/v1/traces";
    }
  }
  if (!endpoint.empty() && endpoint.rfind("http://", 0) != 0) {
    return {std::nullopt,
            "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// URL, got '" + endpoint + "'"};
  }
  c.endpoint = std::move(endpoint);
  return {c, {}};
}

}  // namespace core::trace
