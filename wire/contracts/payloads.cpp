#include "wire/contracts/payloads.hpp"

#include "wire/json/fields.hpp"

namespace wire::contracts {

namespace {

std::string field_name(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

// Reads a required string field; the first failure wins.
bool read(const json::Value& obj, std::string_view prefix, std::string_view key, std::string& out,
          std::optional<Error>& error) {
  if (error) return false;
  auto r = json::required_string(obj, key, field_name(prefix, key));
  if (!r) {
    error = r.error();
    return false;
  }
  out = std::move(r).value();
  return true;
}

}  // namespace

Result<AuthPayload> parse_auth(const json::Value& obj, std::string_view prefix) {
  AuthPayload p;
  std::optional<Error> error;
  read(obj, prefix, "email", p.email, error);
  read(obj, prefix, "password", p.password, error);
  if (error) return *error;
  return p;
}

Result<LogPayload> parse_log(const json::Value& obj, std::string_view prefix) {
  LogPayload p;
  std::optional<Error> error;
  read(obj, prefix, "name", p.name, error);
  read(obj, prefix, "data", p.data, error);
  if (error) return *error;
  if (p.name.empty()) return make_error(400, "field " + field_name(prefix, "name") + " must not be empty");
  return p;
}

Result<MailPayload> parse_mail(const json::Value& obj, std::string_view prefix) {
  MailPayload p;
  std::optional<Error> error;
  read(obj, prefix, "from", p.from, error);
  read(obj, prefix, "to", p.to, error);
  read(obj, prefix, "subject", p.subject, error);
  read(obj, prefix, "message", p.message, error);
  if (error) return *error;
  return p;
}

Result<HandleRequest> parse_handle(const json::Value& body) {
  auto action = json::required_string(body, "action", "action");
  if (!action) return action.error();
  HandleRequest req;
  const std::string& a = action.value();
  auto section = [&](std::string_view key) -> Result<json::Value> {
    return json::required_object(body, key);
  };
  if (a == "auth") {
    req.action = Action::auth;
    auto obj = section("auth");
    if (!obj) return obj.error();
    auto p = parse_auth(obj.value(), "auth");
    if (!p) return p.error();
    req.auth = std::move(p).value();
  } else if (a == "log") {
    req.action = Action::log;
    auto obj = section("log");
    if (!obj) return obj.error();
    auto p = parse_log(obj.value(), "log");
    if (!p) return p.error();
    req.log = std::move(p).value();
    auto t = json::optional_string(body, "transport", "transport");
    if (!t) return t.error();
    if (const auto& name = t.value(); name && !name->empty()) {
      if (*name == "rpc") req.transport = LogTransport::rpc;
      else if (*name == "http") req.transport = LogTransport::http;
      else if (*name == "amqp") req.transport = LogTransport::amqp;
      else if (*name == "grpc") req.transport = LogTransport::grpc;
      else return make_error(400, "unknown transport: " + *name + " (rpc, http, amqp or grpc)");
    }
  } else if (a == "mail") {
    req.action = Action::mail;
    auto obj = section("mail");
    if (!obj) return obj.error();
    auto p = parse_mail(obj.value(), "mail");
    if (!p) return p.error();
    req.mail = std::move(p).value();
  } else {
    return make_error(400, "unknown action");
  }
  return req;
}

std::string_view transport_name(LogTransport t) {
  switch (t) {
    case LogTransport::rpc: return "rpc";
    case LogTransport::http: return "http";
    case LogTransport::amqp: return "amqp";
    case LogTransport::grpc: return "grpc";
  }
  return "rpc";
}

json::Value to_json(const LogPayload& p) {
  auto v = json::Value::object();
  v.set("name", json::Value::string(p.name));
  v.set("data", json::Value::string(p.data));
  return v;
}

json::Value to_json(const MailPayload& p) {
  auto v = json::Value::object();
  v.set("from", json::Value::string(p.from));
  v.set("to", json::Value::string(p.to));
  v.set("subject", json::Value::string(p.subject));
  v.set("message", json::Value::string(p.message));
  return v;
}

json::Value to_json(const AuthPayload& p) {
  auto v = json::Value::object();
  v.set("email", json::Value::string(p.email));
  v.set("password", json::Value::string(p.password));
  return v;
}

}  // namespace wire::contracts
