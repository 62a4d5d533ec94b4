#pragma once
// The typed contracts of the HTTP APIs (the Go system's payloads), decoded from JSON with
// one 400 message per missing or mistyped field.
#include <optional>
#include <string>

#include "wire/json/value.hpp"
#include "wire/result.hpp"

namespace wire::contracts {

struct AuthPayload {
  std::string email;
  std::string password;
};

struct LogPayload {
  std::string name;
  std::string data;
};

struct MailPayload {
  std::string from;
  std::string to;
  std::string subject;
  std::string message;
};

enum class Action { auth, log, mail };
enum class LogTransport { rpc, http, amqp, grpc };

/// POST /handle: {"action", "auth"|"log"|"mail" objects, optional "transport" for log}.
struct HandleRequest {
  Action action = Action::auth;
  LogTransport transport = LogTransport::rpc;
  AuthPayload auth;
  LogPayload log;
  MailPayload mail;
};

/// `prefix` names the enclosing object in messages ("auth" -> "missing field: auth.email");
/// empty when the payload is the request body itself.
Result<AuthPayload> parse_auth(const json::Value& obj, std::string_view prefix = "");
Result<LogPayload> parse_log(const json::Value& obj, std::string_view prefix = "");
Result<MailPayload> parse_mail(const json::Value& obj, std::string_view prefix = "");

/// Unknown action -> 400 "unknown action"; unknown transport -> 400 naming it.
Result<HandleRequest> parse_handle(const json::Value& body);

std::string_view transport_name(LogTransport t);

json::Value to_json(const LogPayload& p);
json::Value to_json(const MailPayload& p);
json::Value to_json(const AuthPayload& p);

}  // namespace wire::contracts
