#pragma once
// The server span of an incoming request, with OpenTelemetry's HTTP semantic conventions:
// started from its traceparent/tracestate headers, named "<method> <route>" once the router
// matched, and marked as an error on a 5xx answer.
#include <string>
#include <string_view>

#include "core/trace/span.hpp"
#include "wire/http/request.hpp"

namespace core::http {

trace::Span start_server_span(const wire::http::Request& request);

/// Sets http.route, http.response.status_code and the name, then ends the span.
void end_server_span(trace::Span& span, std::string_view method, const std::string* route,
                     int status);

}  // namespace core::http
