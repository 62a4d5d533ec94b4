#include "services/listener/message.hpp"

#include "wire/amqp/topology.hpp"
#include "wire/http/idempotency_key.hpp"
#include "wire/contracts/payloads.hpp"
#include "wire/json/value.hpp"

namespace listener {

namespace {

wire::Result<std::string> encode(Target target, const wire::json::Value& body) {
  if (target == Target::logger) {
    auto p = wire::contracts::parse_log(body);
    if (!p) return p.error();
    return wire::contracts::to_json(p.value()).dump();
  }
  auto p = wire::contracts::parse_mail(body);
  if (!p) return p.error();
  return wire::contracts::to_json(p.value()).dump();
}

}  // namespace

wire::Result<Forward> parse_message(std::string_view routing_key, std::string_view body,
                                    std::string_view message_id) {
  Forward f;
  if (wire::amqp::is_log_key(routing_key)) {
    f.target = Target::logger;
  } else if (routing_key == wire::amqp::kMailSend) {
    f.target = Target::mail;
  } else {
    return wire::make_error(400, "unknown routing key \"" + std::string(routing_key) + "\"");
  }
  // No message_id (the Go emitter sends none): forwarded without a key.
  if (!message_id.empty() && !wire::http::is_valid_idempotency_key(message_id)) {
    return wire::make_error(400, "message_id is not usable as an Idempotency-Key");
  }
  auto json = wire::json::parse(body);
  if (!json) return json.error();
  if (!json->is_object()) return wire::make_error(400, "body must be a JSON object");
  auto encoded = encode(f.target, json.value());
  if (!encoded) return encoded.error();
  f.body = std::move(encoded).value();
  f.idempotency_key = std::string(message_id);
  return f;
}

std::string_view service_name(Target target) noexcept {
  return target == Target::logger ? "logger" : "mail";
}

}  // namespace listener
