#pragma once
// The checks every request passes before its handler: request id, CORS, internal auth.
#include <string>
#include <string_view>
#include <vector>

#include "core/http/context.hpp"

namespace core::http {

/// The client's X-Request-ID when it is sane (1-128 of [A-Za-z0-9._-]), else a new random id.
std::string request_id_for(const Request& request);

/// The Origin the response may echo in Access-Control-Allow-Origin, or empty.
std::string allowed_origin(const Request& request, const std::vector<std::string>& origins);

/// True for a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method).
bool is_preflight(const Request& request);

/// Adds the CORS headers for an allowed origin (preflight adds methods, headers, max-age).
void add_cors_headers(Response& response, const std::string& origin, bool preflight);

/// True when the request carries `Authorization: Bearer <token>` (compared in constant time).
bool has_bearer_token(const Request& request, std::string_view token);

}  // namespace core::http
