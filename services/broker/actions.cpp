#include "services/broker/actions.hpp"

#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "wire/json/envelope.hpp"
#include "wire/proto/messages.hpp"

namespace broker {

namespace {

// The "message" of a service's JSON envelope, or "" when the reply is not one.
std::string message_of(const core::http::Response& reply) {
  auto parsed = wire::json::parse(reply.body);
  if (!parsed || !parsed->is_object()) return {};
  auto m = parsed->get("message").as_string();
  return m ? std::string(*m) : std::string();
}

}  // namespace

core::http::Response relay_failure(std::string_view service, const core::http::Response& reply) {
  if (reply.status == 503) return failure_response(service, Failure::unavailable);
  if (reply.status == 504) return failure_response(service, Failure::timed_out);
  if (reply.status >= 400 && reply.status < 500 && reply.status != 401 && reply.status != 404 &&
      reply.status != 405) {
    std::string message = message_of(reply);
    if (!message.empty()) return core::http::error_json(reply.status, message);
  }
  return failure_response(service, Failure::bad_reply);
}

core::Task<core::http::Response> authenticate(State* s, wire::contracts::AuthPayload p, std::string request_id,
                                              std::string client, const core::trace::Span* parent) {
  wire::http::Headers headers = s->headers_for(request_id);
  // Auth's failed-login throttle is per email and client: tell it who the client is (auth
  // believes it when the broker is in its TRUSTED_PROXIES).
  if (!client.empty()) headers.push_back({"X-Forwarded-For", std::move(client)});
  auto outcome = co_await post_json(&s->http, &s->auth, s->authenticate_url, to_json(p).dump(),
                                    std::move(headers), s->settings.timeout, parent);
  if (!outcome.ok) co_return std::move(outcome.response);
  const auto& reply = outcome.response;
  if (reply.status == 401) co_return core::http::error_json(401, "invalid credentials");
  if (reply.status == 429) {
    core::http::Response r = core::http::error_json(429, "too many failed logins, retry later");
    if (const std::string* v = wire::http::find_header(reply.headers, "Retry-After")) {
      r.headers.push_back({"Retry-After", *v});
    }
    co_return r;
  }
  if (reply.status != 202 && reply.status != 200) co_return relay_failure("auth", reply);
  auto parsed = wire::json::parse(reply.body);
  if (!parsed || !parsed->is_object()) co_return failure_response("auth", Failure::bad_reply);
  co_return core::http::write_json(202, "Authenticated!", parsed->get("data"));
}

core::Task<core::http::Response> log_via_http(State* s, wire::contracts::LogPayload p, std::string request_id,
                                              const core::trace::Span* parent) {
  auto outcome = co_await post_json(&s->http, &s->logger, s->log_url, to_json(p).dump(),
                                    s->headers_for(request_id), s->settings.timeout, parent);
  if (!outcome.ok) co_return std::move(outcome.response);
  if (outcome.response.status != 202 && outcome.response.status != 200) {
    co_return relay_failure("logger", outcome.response);
  }
  co_return core::http::write_json(202, "logged");
}

core::Task<core::http::Response> log_via_rpc(State* s, wire::contracts::LogPayload p, std::string request_id,
                                             const core::trace::Span* parent) {
  if (!s->logger.breaker.allow()) co_return refused_call(&s->logger, "rpc");
  const CallStart start = std::chrono::steady_clock::now();
  core::trace::Span span = call_span(parent, "RPCServer/LogInfo", &s->logger);
  span.set("rpc.system", std::string("net_rpc"));
  span.set("rpc.service", std::string("RPCServer"));
  span.set("rpc.method", std::string("LogInfo"));
  span.set("server.address", s->settings.rpc_host);
  span.set("server.port", std::int64_t{s->settings.rpc_port});
  std::exception_ptr error;
  try {
    std::string reply = co_await s->rpc.call(
        "RPCServer.LogInfo",
        core::rpc::Payload{std::move(p.name), std::move(p.data), std::move(request_id), span.traceparent()});
    s->logger.breaker.success();
    record_call(&s->logger, "rpc", "ok", start);
    co_return core::http::write_json(202, reply);
  } catch (const core::Cancelled&) {
    throw;
  } catch (const core::rpc::Error& e) {
    // The logger is up but refused the call (it could not store): not the client's fault.
    s->logger.breaker.success();
    record_call(&s->logger, "rpc", "error_status", start);
    span.set_error(e.what());
    core::log::warn("logger RPC error: {}", e.what());
    co_return failure_response("logger", classify(std::current_exception()));
  } catch (...) {
    error = std::current_exception();
  }
  fail_span(span, error);
  co_return failed_call(&s->logger, error, "rpc", start);
}

core::Task<core::http::Response> log_via_grpc(State* s, wire::contracts::LogPayload p, std::string request_id,
                                              const core::trace::Span* parent) {
  if (!s->logger_grpc.breaker.allow()) co_return refused_call(&s->logger_grpc, "grpc");
  const CallStart start = std::chrono::steady_clock::now();
  core::trace::Span span = call_span(parent, "logs.LogService/WriteLog", &s->logger_grpc);
  span.set("rpc.system", std::string("grpc"));
  span.set("rpc.service", std::string("logs.LogService"));
  span.set("rpc.method", std::string("WriteLog"));
  core::grpc::CallOptions options;  // the deadline: DOWNSTREAM_TIMEOUT (the client's default)
  options.metadata.push_back({"x-request-id", std::move(request_id)});
  if (span.has_context()) {
    options.metadata.push_back({"traceparent", span.traceparent()});
    if (!span.tracestate().empty()) options.metadata.push_back({"tracestate", span.tracestate()});
  }
  wire::proto::LogRequest request{{std::move(p.name), std::move(p.data)}, true};
  std::exception_ptr error;
  try {
    std::string reply = co_await s->grpc.call("/logs.LogService/WriteLog", wire::proto::encode(request),
                                              std::move(options));
    s->logger_grpc.breaker.success();
    if (auto response = wire::proto::decode_log_response(reply); !response) {
      record_call(&s->logger_grpc, "grpc", "bad_reply", start);
      span.set_error(response.error().message);
      core::log::warn("logger gRPC reply: {}", response.error().message);
      co_return failure_response("logger", Failure::bad_reply);
    }
    record_call(&s->logger_grpc, "grpc", "ok", start);
    co_return core::http::write_json(202, "logged");
  } catch (const core::Cancelled&) {
    throw;
  } catch (...) {
    error = std::current_exception();
  }
  fail_span(span, error);
  co_return failed_call(&s->logger_grpc, error, "grpc", start);
}

core::Task<core::http::Response> log_via_amqp(State* s, wire::contracts::LogPayload p, std::string request_id,
                                              const core::trace::Span* parent) {
  if (!s->rabbit.breaker.allow()) co_return refused_call(&s->rabbit, "amqp");
  const CallStart start = std::chrono::steady_clock::now();
  core::trace::Span span = parent ? parent->child(std::string(wire::amqp::kExchange) + " publish",
                                                  wire::trace::SpanKind::producer)
                                   : core::trace::Span();
  span.set("messaging.system", std::string("rabbitmq"));
  span.set("messaging.operation.type", std::string("send"));
  span.set("messaging.destination.name", std::string(wire::amqp::kExchange));
  span.set("messaging.rabbitmq.destination.routing_key", std::string(wire::amqp::kLogInfo));
  core::amqp::Properties props;  // message_id: generated by the publisher, unique per message
  props.headers.push_back({"request_id", core::amqp::FieldValue::string(request_id)});
  if (span.has_context()) {
    props.headers.push_back({"traceparent", core::amqp::FieldValue::string(span.traceparent())});
    if (!span.tracestate().empty()) {
      props.headers.push_back({"tracestate", core::amqp::FieldValue::string(span.tracestate())});
    }
  }
  std::exception_ptr error;
  try {
    co_await core::with_timeout(
        s->amqp.publisher().publish(std::string(wire::amqp::kExchange), std::string(wire::amqp::kLogInfo),
                                    to_json(p).dump(), std::move(props)),
        s->settings.timeout);
    s->rabbit.breaker.success();
    record_call(&s->rabbit, "amqp", "ok", start);
    co_return core::http::write_json(202, "logged via RabbitMQ");
  } catch (const core::Cancelled&) {
    throw;
  } catch (...) {
    error = std::current_exception();
  }
  fail_span(span, error);
  co_return failed_call(&s->rabbit, error, "amqp", start);
}

core::Task<core::http::Response> send_mail(State* s, wire::contracts::MailPayload p, std::string request_id,
                                           const core::trace::Span* parent) {
  std::string to = p.to;
  auto outcome = co_await post_json(&s->http, &s->mail, s->send_url, to_json(p).dump(),
                                    s->headers_for(request_id), s->settings.timeout, parent);
  if (!outcome.ok) co_return std::move(outcome.response);
  if (outcome.response.status != 202 && outcome.response.status != 200) {
    co_return relay_failure("mail", outcome.response);
  }
  co_return core::http::write_json(202, "Message sent to " + to);
}

}  // namespace broker
