#pragma once
/// @file
/// OTLP/HTTP JSON encoding of a batch of spans (an ExportTraceServiceRequest, as
/// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding writes it: ids as hex
/// strings, 64-bit integers as decimal strings, enums as numbers). POST it to
/// <endpoint>/v1/traces with Content-Type application/json.
#include <span>
#include <string>
#include <string_view>

#include "wire/trace/span.hpp"

namespace wire::trace {

/// One resource (service.name = `service`, plus `resource`), one scope, all the spans.
std::string encode_otlp_json(std::string_view service, const Attributes& resource,
                             std::span<const SpanData> spans);

}  // namespace wire::trace
