#pragma once
// The test page and its assets, prepared once at start-up: the broker URL is written into the
// HTML, and the security headers (a strict Content-Security-Policy) are computed from it.
#include <string>

#include "core/http/context.hpp"

namespace frontend {

class Page {
 public:
  /// broker_url: what the page calls ("/api" by default, or an absolute http(s) URL).
  explicit Page(std::string broker_url);

  /// GET / and GET /index.html.
  core::http::Response index() const;
  /// GET /static/<file>; 404 envelope for unknown files.
  core::http::Response asset(std::string_view path) const;

  const std::string& content_security_policy() const noexcept { return csp_; }

 private:
  void add_security_headers(core::http::Response& r) const;
  std::string html_;
  std::string csp_;
};

/// The origin ("scheme://host[:port]") of an absolute URL, or "" for a relative one.
std::string origin_of(std::string_view url);

/// HTML attribute escaping (&, <, >, ", ').
std::string escape_attribute(std::string_view text);

}  // namespace frontend
