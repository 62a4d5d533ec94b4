#pragma once
/// @file
/// A finished span as the exporter sends it: OpenTelemetry's data model, the parts we use.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wire/trace/trace_context.hpp"

namespace wire::trace {

/// OpenTelemetry's SpanKind numbers (OTLP).
enum class SpanKind : int { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };

/// OTLP status codes: unset (the default), ok, error.
enum class StatusCode : int { unset = 0, ok = 1, error = 2 };

/// An attribute's name: a string literal only (semantic-convention names are known when the
/// code is written), so recording an attribute never allocates or copies its name.
class AttributeKey {
 public:
  template <std::size_t N>
  consteval AttributeKey(const char (&literal)[N]) : name_(literal, N - 1) {}  // NOLINT: implicit
  std::string_view name() const noexcept { return name_; }
  operator std::string_view() const noexcept { return name_; }  // NOLINT: implicit

 private:
  std::string_view name_;
};

using AttributeValue = std::variant<std::string, std::int64_t, double, bool>;
struct Attribute {
  AttributeKey key;
  AttributeValue value;
};
using Attributes = std::vector<Attribute>;

struct SpanData {
  TraceId trace_id{};
  SpanId span_id{};
  SpanId parent_span_id{};  ///< all zero: a root span
  std::string tracestate;
  std::string name;
  SpanKind kind = SpanKind::internal;
  std::uint64_t start_unix_nano = 0;
  std::uint64_t end_unix_nano = 0;
  Attributes attributes;
  StatusCode status = StatusCode::unset;
  std::string status_message;
};

}  // namespace wire::trace
