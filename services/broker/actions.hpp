#pragma once
// What the broker does for each action of POST /handle.
#include "core/http/context.hpp"
#include "services/broker/settings.hpp"
#include "wire/contracts/payloads.hpp"

namespace broker {

/// auth -> auth service: 202 "Authenticated!" with the user, 401 "invalid credentials".
/// Each action's downstream call is a child span of `parent` (the request's server span).
core::Task<core::http::Response> authenticate(State* s, wire::contracts::AuthPayload p, std::string request_id,
                                              std::string client = {}, const core::trace::Span* parent = nullptr);

/// log over HTTP -> logger POST /log: 202 "logged".
core::Task<core::http::Response> log_via_http(State* s, wire::contracts::LogPayload p, std::string request_id,
                                              const core::trace::Span* parent = nullptr);

/// log over RPC (the default) -> RPCServer.LogInfo: 202 with the logger's reply
/// ("Processed payload via RPC:<name>").
core::Task<core::http::Response> log_via_rpc(State* s, wire::contracts::LogPayload p, std::string request_id,
                                              const core::trace::Span* parent = nullptr);

/// log over gRPC -> logs.LogService/WriteLog on the logger's gRPC port: 202 "logged".
core::Task<core::http::Response> log_via_grpc(State* s, wire::contracts::LogPayload p, std::string request_id,
                                              const core::trace::Span* parent);

/// log over AMQP -> exchange logs_topic, key log.INFO, persistent, with a message_id; 202
/// "logged via RabbitMQ" only after the broker confirmed the message.
core::Task<core::http::Response> log_via_amqp(State* s, wire::contracts::LogPayload p, std::string request_id,
                                              const core::trace::Span* parent = nullptr);

/// mail -> mail service POST /send: 202 "Message sent to <to>".
core::Task<core::http::Response> send_mail(State* s, wire::contracts::MailPayload p, std::string request_id,
                                           const core::trace::Span* parent = nullptr);

/// A reply from a service that is not the success we expect: its 4xx message is passed on
/// (the client's mistake), anything else is a 502/503 naming the service.
core::http::Response relay_failure(std::string_view service, const core::http::Response& reply);

}  // namespace broker
