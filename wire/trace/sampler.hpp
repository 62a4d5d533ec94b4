#pragma once
/// @file
/// The sampling decision for a request that arrives (W3C Trace Context + TRACE_SAMPLE_RATIO):
/// a valid parent decides for its children - sampled is always followed, unsampled never -
/// and only a new trace consults the ratio. The ratio test reads the trace id (as
/// OpenTelemetry's TraceIdRatioBased does), so every service that sees the same new trace id
/// decides alike.
#include <optional>

#include "wire/trace/trace_context.hpp"

namespace wire::trace {

/// `ratio` in [0, 1]; values outside are clamped.
bool should_sample(const std::optional<SpanContext>& parent, const TraceId& trace_id,
                   double ratio) noexcept;

/// The ratio test alone: the trace id's last 8 bytes, read as a big-endian number, below
/// ratio * 2^64.
bool ratio_admits(const TraceId& trace_id, double ratio) noexcept;

}  // namespace wire::trace
