#pragma once
// The test page and its assets, prepared once at start-up: the broker URL is written into the
// HTML, each asset gets a fingerprinted name the HTML refers to (cached for a year, immutable),
// and every answer carries an ETag so a revalidation costs a 304.
#include <map>
#include <string>
#include <string_view>

#include "core/http/context.hpp"

namespace frontend {

class Page {
 public:
  /// broker_url: what the page calls ("/api" by default, or an absolute http(s) URL).
  explicit Page(std::string broker_url);
  Page(const Page&) = delete;  // index_ views html_
  Page& operator=(const Page&) = delete;

  /// GET / and GET /index.html: no-cache, revalidated by ETag.
  core::http::Response index(std::string_view if_none_match = {}) const;
  /// GET /static/<name>: a fingerprinted name is immutable for a year, a plain name is
  /// no-cache; unknown names answer the 404 envelope.
  core::http::Response asset(std::string_view name, std::string_view if_none_match = {}) const;

  /// The path the page uses for a static file ("app.js" -> "/static/app.<hash>.js"), "" if none.
  std::string asset_path(std::string_view name) const;
  const std::string& content_security_policy() const noexcept { return csp_; }

 private:
  struct Entry {
    std::string_view body;
    std::string_view content_type;
    std::string etag;
    bool immutable = false;
  };
  core::http::Response serve(const Entry& entry, std::string_view if_none_match) const;

  std::string html_;
  Entry index_;
  std::map<std::string, Entry, std::less<>> assets_;  // by served name, plain and fingerprinted
  std::map<std::string, std::string, std::less<>> fingerprinted_;  // plain name -> fingerprinted
  std::string csp_;
};

/// HTML attribute escaping (&, <, >, ", ').
std::string escape_attribute(std::string_view text);

}  // namespace frontend
