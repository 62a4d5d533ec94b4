#pragma once
/// @file
/// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` and
/// `tracestate` headers, parsed and written without any I/O.
///
///   traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
///                version-trace_id(32 hex)-parent_id(16 hex)-flags(2 hex)
///
/// A value that breaks the grammar is rejected as a whole (the caller starts a new trace; it
/// never answers 400 for it): upper-case hex, an all-zero trace or parent id, version ff, a
/// version 00 value of another length. A later version is read for its first four fields when
/// what follows them starts with '-', as the specification asks.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wire::trace {

using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

inline constexpr std::uint8_t kSampledFlag = 0x01;

/// Where a span sits in its trace, as the next hop needs to know it.
struct SpanContext {
  TraceId trace_id{};
  SpanId span_id{};  ///< the span the next hop's span will be a child of
  std::uint8_t flags = 0;
  std::string tracestate;  ///< passed on unchanged (empty: no header)

  bool sampled() const noexcept { return (flags & kSampledFlag) != 0; }
  bool valid() const noexcept;
};

/// The parsed header, or nullopt when it breaks the grammar. Surrounding spaces and tabs
/// (HTTP's optional whitespace) are ignored.
std::optional<SpanContext> parse_traceparent(std::string_view header);

/// `tracestate` as received, or "" when it is not a valid list (then it is dropped, as the
/// specification allows): at most 32 comma-separated `key=value` members, 512 characters.
std::string parse_tracestate(std::string_view header);

/// Version 00: "00-<trace_id>-<span_id>-<flags>", lower-case hex.
std::string format_traceparent(const SpanContext& context);

/// Lower-case hex of an id (32 or 16 characters).
std::string to_hex(const TraceId& id);
std::string to_hex(const SpanId& id);

}  // namespace wire::trace
