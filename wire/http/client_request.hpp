#pragma once
/// @file
/// A request as the HTTP client builds it, before serialize_request().
#include <string>

#include "wire/http/headers.hpp"

namespace wire::http {

/// An outgoing request. Host and Content-Length are added by serialize_request().
struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";  ///< origin-form: path and query, e.g. "/logs?limit=5"
  std::string host;          ///< Host header value ("auth:8082"); empty = no Host header
  Headers headers;
  std::string body;
};

}  // namespace wire::http
