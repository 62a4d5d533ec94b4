#include "services/listener/relay.hpp"

#include <fmt/format.h>

#include "core/amqp/retry.hpp"
#include "core/log/log.hpp"
#include "core/metrics/downstream.hpp"
#include "core/net/tcp_stream.hpp"

namespace listener {

using core::amqp::Delivery;
using core::amqp::Outcome;

namespace {

Outcome outcome_of(Settlement s) { return s == Settlement::ack ? Outcome::ack : Outcome::requeue; }

}  // namespace

Relay::Relay(RelayOptions options, core::amqp::Publisher& publisher)
    : options_(std::move(options)),
      publisher_(publisher),
      log_url_(core::http::HttpUrl::parse(options_.logger_url + "/log")),
      send_url_(core::http::HttpUrl::parse(options_.mail_url + "/send")),
      logs_metrics_(QueueMetrics::of(options_.names.logs_queue)),
      mail_metrics_(QueueMetrics::of(options_.names.mail_queue)),
      logger_latency_(downstream_latency(Target::logger)),
      mail_latency_(downstream_latency(Target::mail)) {}

QueueMetrics& Relay::metrics_for(const Delivery& d) noexcept {
  return d.queue == options_.names.mail_queue ? mail_metrics_ : logs_metrics_;
}

core::metrics::Histogram& Relay::latency_for(Target target) noexcept {
  return target == Target::logger ? logger_latency_ : mail_latency_;
}

core::Task<Outcome> Relay::handle(Delivery& d) {
  QueueMetrics& metrics = metrics_for(d);
  metrics.consumed.inc();
  // The delivery continues the publisher's trace (its traceparent header).
  core::trace::Span span = core::trace::Span::remote(d.queue + " process", wire::trace::SpanKind::consumer,
                                                     d.header("traceparent"), d.header("tracestate"));
  if (span.recording()) {
    span.set("messaging.system", std::string("rabbitmq"));
    span.set("messaging.operation.type", std::string("process"));
    span.set("messaging.destination.name", d.queue);
    span.set("messaging.rabbitmq.destination.routing_key", d.routing_key);
    span.set("messaging.message.id", d.message_id);
  }
  co_await core::detail::SetTraceIds{span.log_ids()};
  auto forward = parse_message(d.routing_key, d.body, d.message_id);
  if (!forward) {
    span.set_error("malformed message");
    co_return co_await dead_letter(d, "malformed message: " + forward.error().message, metrics);
  }
  const Target target = forward->target;
  CallResult result = co_await call(std::move(forward).value(), d, metrics, &span);
  if (result.kind != CallResult::Kind::answered || result.status >= 300) span.set_error(describe(result, service_name(target)));
  switch (verdict_for(result)) {
    case Verdict::ack:
      metrics.acked.inc();
      co_return Outcome::ack;
    case Verdict::dead:
      co_return co_await dead_letter(d, describe(result, service_name(target)), metrics);
    case Verdict::retry:
      break;
  }
  co_return co_await retry(d, describe(result, service_name(target)), metrics);
}

wire::http::Headers Relay::headers_for(const Forward& f, const Delivery& d, const core::trace::Span& call) const {
  wire::http::Headers h{{"Content-Type", "application/json"}};
  if (!f.idempotency_key.empty()) h.push_back({"Idempotency-Key", f.idempotency_key});
  if (std::string id = d.header("request_id"); !id.empty()) h.push_back({"X-Request-ID", id});
  if (call.has_context()) {
    h.push_back({"traceparent", call.traceparent()});
    if (!call.tracestate().empty()) h.push_back({"tracestate", call.tracestate()});
  }
  if (!options_.internal_token.empty()) {
    h.push_back({"Authorization", "Bearer " + options_.internal_token});
  }
  return h;
}

core::Task<CallResult> Relay::call(Forward f, const Delivery& d, QueueMetrics& metrics,
                                   const core::trace::Span* parent) {
  const core::http::HttpUrl& url = f.target == Target::logger ? log_url_ : send_url_;
  core::metrics::ScopedTimer timer(latency_for(f.target));
  const auto start = std::chrono::steady_clock::now();
  const std::string_view target = service_name(f.target);
  core::trace::Span span = parent ? parent->child("POST", wire::trace::SpanKind::client) : core::trace::Span();
  if (span.recording()) {
    span.set("http.request.method", std::string("POST"));
    span.set("server.address", url.host);
    span.set("server.port", std::int64_t{url.port});
    span.set("url.full", "http://" + url.authority + url.target);
    span.set("peer.service", std::string(target));
  }
  auto record = [&](std::string_view outcome) {
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    core::metrics::record_downstream_call(target, "http", outcome, elapsed.count());
    if (outcome != "ok") span.set_error(std::string(outcome));
  };
  try {
    wire::http::Response r =
        co_await http_.request("POST", url, headers_for(f, d, span), std::move(f.body), options_.timeout);
    span.set("http.response.status_code", std::int64_t{r.status});
    CallResult result{CallResult::Kind::answered, r.status, {}};
    if (r.status < 200 || r.status >= 300) result.detail = reply_detail(r.body);
    record(r.status >= 500 ? "error_status" : "ok");
    co_return result;
  } catch (const core::Cancelled&) {
    metrics.requeued.inc();
    throw;  // draining ran out of time: the consumer requeues it
  } catch (const core::TimeoutError&) {
    record("timed_out");
    co_return CallResult{CallResult::Kind::timed_out, 0, {}};
  } catch (const core::NetError& e) {
    record("unavailable");
    co_return CallResult{CallResult::Kind::unreachable, 0, e.what()};
  } catch (const std::exception& e) {
    record("bad_reply");
    co_return CallResult{CallResult::Kind::bad_reply, 0, e.what()};
  }
}

core::Task<Outcome> Relay::retry(Delivery& d, std::string reason, QueueMetrics& metrics) {
  const int attempt = core::amqp::attempt_of(d, options_.names);
  const auto hop = wire::amqp::after_failure(attempt, options_.names, options_.max_attempts);
  Delivery copy = d;  // the consumer still needs d (its tag) after this
  if (hop.dead) {
    core::amqp::set_field(copy.properties.headers, std::string(kDeadReasonHeader),
                          core::amqp::FieldValue::string(fmt::format(
                              "attempts used up ({}): {}", hop.failed_attempts, reason)));
  }
  bool confirmed = false;
  try {
    co_await core::with_timeout(core::amqp::republish_for_retry(publisher_, std::move(copy),
                                                                options_.names, options_.max_attempts),
                                options_.timeout);
    confirmed = true;
  } catch (const core::Cancelled&) {
    metrics.requeued.inc();
    throw;
  } catch (const std::exception& e) {
    core::log::warn("message {} on {}: {}; republish for retry failed: {}; requeueing",
                    d.message_id, d.queue, reason, e.what());
  }
  if (!confirmed) {
    metrics.requeued.inc();
  } else if (hop.dead) {
    metrics.dead_lettered.inc();
    core::log::warn("message {} on {}: {}; attempt {} of {}, dead-lettered", d.message_id, d.queue,
                    reason, attempt, options_.max_attempts);
  } else {
    metrics.retried.inc();
    core::log::info("message {} on {}: {}; attempt {} of {}, retry via {}", d.message_id, d.queue,
                    reason, attempt, options_.max_attempts, hop.retry_queue);
  }
  co_return outcome_of(settlement_after_republish(confirmed));
}

core::Task<Outcome> Relay::dead_letter(Delivery& d, std::string reason, QueueMetrics& metrics) {
  const int attempt = core::amqp::attempt_of(d, options_.names);
  Delivery copy = d;
  core::amqp::set_field(copy.properties.headers, std::string(kDeadReasonHeader),
                        core::amqp::FieldValue::string(reason));
  core::amqp::set_field(copy.properties.headers, std::string(wire::amqp::kAttemptsHeader),
                        core::amqp::FieldValue::integer(attempt));
  bool confirmed = false;
  try {
    co_await core::with_timeout(
        core::amqp::dead_letter(publisher_, std::move(copy), options_.names), options_.timeout);
    confirmed = true;
  } catch (const core::Cancelled&) {
    metrics.requeued.inc();
    throw;
  } catch (const std::exception& e) {
    core::log::warn("message {} on {}: {}; dead-lettering failed: {}; requeueing", d.message_id,
                    d.queue, reason, e.what());
  }
  if (confirmed) {
    metrics.dead_lettered.inc();
    core::log::warn("message {} on {}: {}; dead-lettered", d.message_id, d.queue, reason);
  } else {
    metrics.requeued.inc();
  }
  co_return outcome_of(settlement_after_republish(confirmed));
}

}  // namespace listener
