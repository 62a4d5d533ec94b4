#pragma once
// Calls from the broker to the other services, and the one place that turns their failures
// into answers: refused or circuit open -> 503 "<svc> service unavailable" (Retry-After: 1),
// deadline -> 504 "<svc> service timed out", malformed or unexpected reply -> 502
// "<svc> service error". A downstream failure never hangs the caller.
#include <chrono>
#include <exception>
#include <string>

#include "core/http/client.hpp"
#include "core/service/circuit_breaker.hpp"
#include "core/trace/span.hpp"

namespace broker {

enum class Failure { unavailable, timed_out, bad_reply };

/// The broker's answer for a failed call to service `name`.
core::http::Response failure_response(std::string_view name, Failure failure);

/// Classifies an exception thrown by a downstream call (HTTP, RPC or AMQP).
Failure classify(const std::exception_ptr& error);

/// One downstream service as seen from one worker.
struct Downstream {
  std::string name;  // "auth", "logger", "mail"
  core::service::CircuitBreaker breaker;
};

using CallStart = std::chrono::steady_clock::time_point;

/// Counts a finished call in downstream_calls_total (see core/metrics/downstream.hpp).
void record_call(const Downstream* downstream, std::string_view transport, std::string_view outcome,
                 CallStart start);

/// A call the open circuit refused: counted (outcome circuit_open), then the 503 to send.
core::http::Response refused_call(const Downstream* downstream, std::string_view transport);

/// Logs a failed call, counts it against the downstream's breaker (unless the service
/// answered, badly) and in downstream_calls_total, and returns the answer to send.
core::http::Response failed_call(Downstream* downstream, const std::exception_ptr& error,
                                 std::string_view transport, CallStart start);

/// Outcome of an HTTP call: the upstream response, or the failure answer to send instead.
struct HttpOutcome {
  bool ok = false;
  core::http::Response response;
};

/// POSTs a JSON body to url under the downstream's breaker and deadline, in a client span
/// (child of `parent`, whose traceparent the request carries).
core::Task<HttpOutcome> post_json(core::http::Client* client, Downstream* downstream,
                                  core::http::HttpUrl url, std::string body, wire::http::Headers headers,
                                  core::Duration timeout, const core::trace::Span* parent = nullptr);

/// A client span for a call to `downstream` (empty without a parent).
core::trace::Span call_span(const core::trace::Span* parent, std::string name, const Downstream* downstream);

/// Marks the span of a failed call as an error.
void fail_span(core::trace::Span& span, const std::exception_ptr& error);

}  // namespace broker
