#include "core/http/json_io.hpp"

#include "wire/json/envelope.hpp"

namespace core::http {

namespace {
Response json_body(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}
}  // namespace

wire::Result<wire::json::Value> read_json(const Request& request) {
  if (request.body.empty()) return wire::make_error(400, "request body is empty");
  auto parsed = wire::json::parse(request.body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return wire::make_error(400, "request body must be a JSON object");
  return parsed;
}

Response write_json(int status, std::string_view message) {
  return json_body(status, wire::json::envelope(status >= 400, message));
}

Response write_json(int status, std::string_view message, const wire::json::Value& data) {
  return json_body(status, wire::json::envelope(status >= 400, message, data));
}

Response error_json(int status, std::string_view message) {
  return json_body(status, wire::json::envelope(true, message));
}

Response unavailable_json(std::string_view message) {
  Response r = error_json(503, message);
  r.headers.push_back({"Retry-After", "1"});
  return r;
}

Response text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", std::string(content_type)});
  r.body = std::move(body);
  return r;
}

}  // namespace core::http
