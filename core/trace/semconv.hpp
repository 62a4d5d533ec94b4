#pragma once
/// @file
/// Spans with OpenTelemetry's semantic-convention attributes for the calls every service
/// makes: database operations and RPC (net/rpc's "Service.Method").
#include <string_view>

#include "core/trace/span.hpp"

namespace core::trace {

/// A client span "<operation> <target>" with db.system.name (postgresql, mongodb),
/// db.operation.name and db.collection.name; empty without a parent.
Span db_span(const Span* parent, std::string_view system, std::string_view operation,
             std::string_view target);

/// A server span for an incoming RPC call "Service.Method" continuing `traceparent`, with
/// rpc.system = net_rpc, rpc.service and rpc.method.
Span rpc_server_span(std::string_view service_method, std::string_view traceparent);

/// Marks a span as failed with the exception's message (then rethrows nothing).
void record_exception(Span& span, const std::exception_ptr& error);

}  // namespace core::trace
