#pragma once
/// @file
/// A parsed HTTP/1.x request as the server's router and handlers see it.
#include <optional>
#include <string>
#include <string_view>

#include "wire/http/headers.hpp"

namespace wire::http {

/// One request, complete: headers parsed, body de-chunked.
struct Request {
  std::string method;  ///< "GET", "POST", ... as sent
  std::string target;  ///< raw request-target, e.g. "/logs?limit=5"
  std::string path;    ///< target up to '?', not percent-decoded (the router matches raw paths)
  std::string query;   ///< after '?', raw; empty if none
  int version_major = 1;
  int version_minor = 1;
  Headers headers;
  std::string body;        ///< de-chunked; chunked trailers are dropped
  bool keep_alive = true;  ///< llhttp_should_keep_alive(): HTTP/1.0 closes unless "keep-alive"

  /// First header named `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const { return find_header(headers, name); }

  /// First query parameter named `name`, percent- and '+'-decoded; nullopt if absent or if
  /// its value has a bad escape.
  std::optional<std::string> query_param(std::string_view name) const;
};

}  // namespace wire::http
