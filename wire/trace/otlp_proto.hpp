#pragma once
/// @file
/// OTLP/HTTP protobuf encoding of a batch of spans: the ExportTraceServiceRequest of
/// opentelemetry-proto (collector/trace/v1, trace/v1, common/v1, resource/v1), written by hand
/// with the fields we use. POST it to <endpoint>/v1/traces with Content-Type
/// application/x-protobuf. Cheaper than JSON to write here and, above all, to read for the
/// collector (no hex ids, no decimal strings, no field names).
///
///   ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
///   ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
///   Resource      { repeated KeyValue attributes = 1; }
///   ScopeSpans    { InstrumentationScope scope = 1; repeated Span spans = 2; }
///   Span          { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3;
///                   bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
///                   fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
///                   repeated KeyValue attributes = 9; Status status = 15; fixed32 flags = 16; }
///   Status        { string message = 2; StatusCode code = 3; }
///   KeyValue      { string key = 1; AnyValue value = 2; }
///   AnyValue      { oneof { string string_value = 1; bool bool_value = 2;
///                           int64 int_value = 3; double double_value = 4; } }
#include <span>
#include <string>
#include <string_view>

#include "wire/trace/span.hpp"

namespace wire::trace {

/// One resource (service.name = `service`, plus `resource`), one scope, all the spans.
std::string encode_otlp_proto(std::string_view service, const Attributes& resource,
                              std::span<const SpanData> spans);

}  // namespace wire::trace
