#include "wire/trace/otlp_json.hpp"

#include <fmt/format.h>

#include <cmath>

#include "wire/json/escape.hpp"

namespace wire::trace {

namespace {

void append_value(std::string& out, const AttributeValue& v) {
  out.append("{");
  if (const auto* s = std::get_if<std::string>(&v)) {
    out.append("\"stringValue\":");
    json::append_json_string(out, *s);
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    fmt::format_to(std::back_inserter(out), "\"intValue\":\"{}\"", *i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d)) {
      fmt::format_to(std::back_inserter(out), "\"doubleValue\":{}", *d);
    } else {
      out.append("\"stringValue\":\"")
          .append(std::isnan(*d) ? "NaN" : (*d > 0 ? "Infinity" : "-Infinity"))
          .append("\"");
    }
  } else {
    out.append("\"boolValue\":").append(std::get<bool>(v) ? "true" : "false");
  }
  out.append("}");
}

void append_attribute(std::string& out, std::string_view key, const AttributeValue& v) {
  out.append("{\"key\":");
  json::append_json_string(out, key);
  out.append(",\"value\":");
  append_value(out, v);
  out.append("}");
}

void append_attributes(std::string& out, const Attributes& attributes) {
  out.append("[");
  bool first = true;
  for (const auto& [k, v] : attributes) {
    if (!first) out.append(",");
    first = false;
    append_attribute(out, k, v);
  }
  out.append("]");
}

bool is_root(const SpanId& parent) {
  for (std::uint8_t b : parent) {
    if (b != 0) return false;
  }
  return true;
}

void append_span(std::string& out, const SpanData& s) {
  out.append("{\"traceId\":\"")
      .append(to_hex(s.trace_id))
      .append("\",\"spanId\":\"")
      .append(to_hex(s.span_id));
  out.append("\"");
  if (!is_root(s.parent_span_id))
    out.append(",\"parentSpanId\":\"").append(to_hex(s.parent_span_id)).append("\"");
  if (!s.tracestate.empty()) {
    out.append(",\"traceState\":");
    json::append_json_string(out, s.tracestate);
  }
  out.append(",\"name\":");
  json::append_json_string(out, s.name);
  fmt::format_to(std::back_inserter(out),
                 ",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\"",
                 static_cast<int>(s.kind), s.start_unix_nano, s.end_unix_nano);
  out.append(",\"attributes\":");
  append_attributes(out, s.attributes);
  fmt::format_to(std::back_inserter(out), ",\"status\":{{\"code\":{}", static_cast<int>(s.status));
  if (!s.status_message.empty()) {
    out.append(",\"message\":");
    json::append_json_string(out, s.status_message);
  }
  out.append("}}");
}

}  // namespace

std::string encode_otlp_json(std::string_view service, const Attributes& resource,
                             std::span<const SpanData> spans) {
  std::string out;
  out.reserve(256 + spans.size() * 512);
  out.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
  append_attribute(out, "service.name", std::string(service));
  for (const auto& [k, v] : resource) {
    out.append(",");
    append_attribute(out, k, v);
  }
  out.append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"microservices\"},\"spans\":[");
  bool first = true;
  for (const SpanData& s : spans) {
    if (!first) out.append(",");
    first = false;
    append_span(out, s);
  }
  out.append("]}]}]}");
  return out;
}

}  // namespace wire::trace
