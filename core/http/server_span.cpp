#include "core/http/server_span.hpp"

#include <fmt/format.h>

namespace core::http {

namespace {

std::string protocol_version(const wire::http::Request& request) {
  if (request.version_major == 1 && request.version_minor == 1) return "1.1";
  if (request.version_major == 1 && request.version_minor == 0) return "1.0";
  return fmt::format("{}.{}", request.version_major, request.version_minor);
}

}  // namespace

trace::Span start_server_span(const wire::http::Request& request) {
  const std::string* parent = request.header("traceparent");
  const std::string* state = request.header("tracestate");
  trace::Span span = trace::Span::remote(request.method, wire::trace::SpanKind::server,
                                         parent ? *parent : "", state ? *state : "");
  if (!span.recording()) return span;
  span.set("http.request.method", request.method);
  span.set("url.path", request.path);
  span.set("url.scheme", std::string("http"));
  span.set("network.protocol.version", protocol_version(request));
  if (const std::string* ua = request.header("User-Agent")) span.set("user_agent.original", *ua);
  return span;
}

void end_server_span(trace::Span& span, std::string_view method, const std::string* route,
                     int status) {
  if (span.recording()) {
    if (route) {
      span.set("http.route", *route);
      span.set_name(fmt::format("{} {}", method, *route));
    }
    span.set("http.response.status_code", std::int64_t{status});
    if (status >= 500) span.set_error(fmt::format("HTTP {}", status));
  }
  span.end();
}

}  // namespace core::http
