#include "services/broker/downstream.hpp"

#include "core/amqp/error.hpp"
#include "core/grpc/methods.hpp"
#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "core/metrics/downstream.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/rpc/errors.hpp"
#include "core/runtime/thread_pool.hpp"
#include "wire/contracts/log_errors.hpp"

namespace broker {

core::http::Response failure_response(std::string_view name, Failure failure) {
  std::string svc(name);
  switch (failure) {
    case Failure::unavailable:
      return core::http::unavailable_json(svc + " service unavailable");
    case Failure::timed_out:
      return core::http::error_json(504, svc + " service timed out");
    case Failure::bad_reply:
      break;
  }
  return core::http::error_json(502, svc + " service error");
}

Failure classify(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const core::TimeoutError&) {
    return Failure::timed_out;
  } catch (const core::NetError&) {
    return Failure::unavailable;
  } catch (const core::PoolFull&) {
    return Failure::unavailable;
  } catch (const core::amqp::ConnectionError&) {
    return Failure::unavailable;
  } catch (const core::amqp::Blocked&) {
    return Failure::unavailable;  // a resource alarm: answer at once rather than wait
  } catch (const core::amqp::Nacked&) {
    return Failure::unavailable;
  } catch (const core::grpc::Error& e) {
    // The service answered with a status: overload or its own dependency down is "unavailable",
    // its deadline passing is "timed out"; the rest (a refused message ...) is an error reply.
    using core::grpc::StatusCode;
    if (e.code == StatusCode::unavailable || e.code == StatusCode::resource_exhausted)
      return Failure::unavailable;
    if (e.code == StatusCode::deadline_exceeded) return Failure::timed_out;
    return Failure::bad_reply;
  } catch (const core::rpc::Error& e) {
    // An error reply carries only its text: the logger's store texts say outage or timeout.
    const std::string_view text = e.what();
    if (text == wire::contracts::kStoreUnavailable || text == wire::contracts::kStoreBusy)
      return Failure::unavailable;
    if (text == wire::contracts::kStoreTimedOut) return Failure::timed_out;
    return Failure::bad_reply;
  } catch (...) {
    return Failure::bad_reply;  // unroutable, malformed reply, protocol error
  }
}

namespace {

std::string_view outcome_name(Failure f) {
  switch (f) {
    case Failure::unavailable:
      return "unavailable";
    case Failure::timed_out:
      return "timed_out";
    case Failure::bad_reply:
      break;
  }
  return "bad_reply";
}

}  // namespace

void record_call(const Downstream* downstream, std::string_view transport, std::string_view outcome,
                 CallStart start) {
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  core::metrics::record_downstream_call(downstream->name, transport, outcome, elapsed.count());
}

core::http::Response refused_call(const Downstream* downstream, std::string_view transport) {
  core::metrics::record_downstream_call(downstream->name, transport, "circuit_open", 0);
  return failure_response(downstream->name, Failure::unavailable);
}

core::http::Response failed_call(Downstream* downstream, const std::exception_ptr& error,
                                 std::string_view transport, CallStart start) {
  Failure f = classify(error);
  record_call(downstream, transport, outcome_name(f), start);
  if (f != Failure::bad_reply) downstream->breaker.failure();
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    core::log::warn("{} call failed: {}", downstream->name, e.what());
  } catch (...) {
  }
  return failure_response(downstream->name, f);
}

core::trace::Span call_span(const core::trace::Span* parent, std::string name, const Downstream* downstream) {
  if (parent == nullptr) return core::trace::Span();
  core::trace::Span span = parent->child(name, wire::trace::SpanKind::client);
  span.set("peer.service", downstream->name);
  return span;
}

void fail_span(core::trace::Span& span, const std::exception_ptr& error) {
  if (!span.recording()) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    span.set("error.type", std::string(outcome_name(classify(error))));
    span.set_error(e.what());
  } catch (...) {
    span.set_error("unknown error");
  }
}

core::Task<HttpOutcome> post_json(core::http::Client* client, Downstream* downstream,
                                  core::http::HttpUrl url, std::string body, wire::http::Headers headers,
                                  core::Duration timeout, const core::trace::Span* parent) {
  if (!downstream->breaker.allow()) co_return HttpOutcome{false, refused_call(downstream, "http")};
  headers.push_back({"Content-Type", "application/json"});
  core::trace::Span span = call_span(parent, "POST", downstream);
  if (span.has_context()) {
    headers.push_back({"traceparent", span.traceparent()});
    if (!span.tracestate().empty()) headers.push_back({"tracestate", span.tracestate()});
  }
  if (span.recording()) {
    span.set("http.request.method", std::string("POST"));
    span.set("server.address", url.host);
    span.set("server.port", std::int64_t{url.port});
    span.set("url.full", "http://" + url.authority + url.target);
  }
  const CallStart start = std::chrono::steady_clock::now();
  std::exception_ptr error;
  try {
    core::http::Response r = co_await client->request("POST", std::move(url), std::move(headers), std::move(body), timeout);
    // A 5xx says the service is in trouble: it counts against the breaker. A 503 with
    // Retry-After is a healthy service shedding load (a full queue): opening the breaker on it
    // would turn a busy moment into a second of refusing everyone.
    bool shedding = r.status == 503 && wire::http::find_header(r.headers, "Retry-After");
    if (r.status >= 500 && !shedding) downstream->breaker.failure();
    else downstream->breaker.success();
    record_call(downstream, "http", r.status >= 500 ? "error_status" : "ok", start);
    span.set("http.response.status_code", std::int64_t{r.status});
    if (r.status >= 400) span.set_error("HTTP " + std::to_string(r.status));
    co_return HttpOutcome{true, std::move(r)};
  } catch (const core::Cancelled&) {
    throw;  // the client went away: nothing to answer
  } catch (...) {
    error = std::current_exception();
  }
  fail_span(span, error);
  co_return HttpOutcome{false, failed_call(downstream, error, "http", start)};
}

}  // namespace broker
