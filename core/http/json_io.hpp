#pragma once
// readJSON / writeJSON: the JSON envelope {"error","message","data"} on every response.
#include <string_view>

#include "core/http/context.hpp"
#include "wire/json/value.hpp"
#include "wire/result.hpp"

namespace core::http {

/// Parses the request body as a JSON object; the error (code 400) says what is wrong.
wire::Result<wire::json::Value> read_json(const Request& request);

/// An envelope response: {"error":..,"message":..} with Content-Type application/json.
Response write_json(int status, std::string_view message);
/// The same with "data".
Response write_json(int status, std::string_view message, const wire::json::Value& data);
/// An error envelope ("error": true) with the given status.
Response error_json(int status, std::string_view message);
/// 503 error envelope with `Retry-After: 1`: busy or a dependency down, worth trying again.
Response unavailable_json(std::string_view message);
/// Plain text (for /ping and /metrics).
Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");

}  // namespace core::http
