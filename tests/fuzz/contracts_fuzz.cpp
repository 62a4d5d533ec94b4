// The JSON bodies every handler decodes: the broker's POST /handle, auth's POST /authenticate,
// the logger's POST /log, the mail service's POST /send (read_json's rules, then the typed
// contract), the listener's deliveries (routing key, message_id, body) and Idempotency-Key
// headers. What decodes must survive our own re-encoding unchanged.
#include <cstdint>
#include <string>
#include <string_view>

#include "services/listener/message.hpp"
#include "tests/fuzz/fuzz_input.hpp"
#include "wire/contracts/payloads.hpp"
#include "wire/http/idempotency_key.hpp"
#include "wire/json/value.hpp"

namespace {

namespace contracts = wire::contracts;

// What core::http::read_json does with a request body.
wire::Result<wire::json::Value> read_body(std::string_view body) {
  if (body.empty()) return wire::make_error(400, "request body is empty");
  auto parsed = wire::json::parse(body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return wire::make_error(400, "request body must be a JSON object");
  return parsed;
}

template <class Payload, class Parse, class Same>
void round_trip(const Payload& p, Parse parse, Same same) {
  const std::string text = contracts::to_json(p).dump();
  auto again = wire::json::parse(text);
  fuzz::check(again.ok() && again->is_object(), "our JSON parses as an object");
  auto back = parse(again.value());
  fuzz::check(back.ok(), "our JSON decodes as the contract");
  fuzz::check(same(p, back.value()), "the payload survives");
}

void check_error(const wire::Error& e) {
  fuzz::check(e.code == 400, "a bad body is a 400");
  fuzz::check(!e.message.empty(), "an error says why");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t which = in.byte() % 6;
  if (which == 4) {
    const std::string_view routing_key = in.field();
    const std::string_view message_id = in.field();
    auto f = listener::parse_message(routing_key, in.rest(), message_id);
    if (!f) return check_error(f.error()), 0;
    fuzz::check(read_body(f->body).ok(), "the forwarded body is a JSON object");
    return 0;
  }
  if (which == 5) {
    const std::string header(in.rest());
    auto key = wire::http::parse_idempotency_key(&header);
    if (key) fuzz::check(wire::http::is_valid_idempotency_key(*key), "a parsed key is valid");
    return 0;
  }
  auto body = read_body(in.rest());
  if (!body) return check_error(body.error()), 0;
  const wire::json::Value& v = body.value();
  switch (which) {
    case 0: {
      auto r = contracts::parse_handle(v);
      if (!r) return check_error(r.error()), 0;
      (void)contracts::transport_name(r->transport);
      break;
    }
    case 1: {
      auto r = contracts::parse_auth(v);
      if (!r) return check_error(r.error()), 0;
      round_trip(r.value(), [](const auto& j) { return contracts::parse_auth(j); },
                 [](const auto& a, const auto& b) {
                   return a.email == b.email && a.password == b.password;
                 });
      break;
    }
    case 2: {
      auto r = contracts::parse_log(v);
      if (!r) return check_error(r.error()), 0;
      round_trip(r.value(), [](const auto& j) { return contracts::parse_log(j); },
                 [](const auto& a, const auto& b) { return a.name == b.name && a.data == b.data; });
      break;
    }
    default: {
      auto r = contracts::parse_mail(v);
      if (!r) return check_error(r.error()), 0;
      round_trip(r.value(), [](const auto& j) { return contracts::parse_mail(j); },
                 [](const auto& a, const auto& b) {
                   return a.from == b.from && a.to == b.to && a.subject == b.subject &&
                          a.message == b.message;
                 });
      break;
    }
  }
  return 0;
}
