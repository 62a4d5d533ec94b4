#pragma once
/// @file
/// Writing HTTP/1.x messages: responses (server side) and requests (client side).
#include <string>
#include <string_view>

#include "wire/http/client_request.hpp"
#include "wire/http/response.hpp"

namespace wire::http {

/// Appends `response` to `out` as one HTTP/1.`version_minor` message:
/// status line; "Date: <date>" unless `date` is empty (preformatted IMF-fixdate, see
/// format_http_date()); the caller's headers in order; "Content-Length: <body size>" unless the
/// caller set Content-Length or Transfer-Encoding, or the status is 1xx/204/304;
/// "Connection: close" when !keep_alive, "Connection: keep-alive" for a kept HTTP/1.0
/// connection; a blank line; the body, except for 1xx/204/304 and when `head_request`
/// (a HEAD answer keeps the body's Content-Length).
/// Connection is the serializer's: callers should not set it in `response.headers`.
/// Header names and values are written as given (not checked for CR/LF).
void serialize_response(const Response& response, std::string& out, bool keep_alive,
                        std::string_view date = {}, bool head_request = false,
                        int version_minor = 1);

/// Appends `request` to `out` as an HTTP/1.1 request: request line, "Host" (unless empty),
/// the caller's headers, "Content-Length" when there is a body or the method is POST, PUT or
/// PATCH (unless the caller set Content-Length or Transfer-Encoding), a blank line, the body.
void serialize_request(const ClientRequest& request, std::string& out);

}  // namespace wire::http
