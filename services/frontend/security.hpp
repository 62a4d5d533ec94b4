#pragma once
// The security headers of the page, its assets and the proxied API answers.
#include <string>
#include <string_view>

#include "wire/http/headers.hpp"

namespace frontend {

/// The page's Content-Security-Policy: scripts, styles and images from 'self' only (no
/// 'unsafe-inline', no eval), fetch to 'self' plus the broker's origin when BROKER_URL is
/// absolute, Trusted Types enforced (HTML sinks such as innerHTML throw), no framing.
std::string page_policy(std::string_view broker_url);

/// The headers every page and asset response carries, csp included.
void add_page_headers(wire::http::Headers& headers, const std::string& csp);

/// The headers a proxied API answer gets: it is JSON, never a document to render.
void add_api_headers(wire::http::Headers& headers);

/// The origin ("scheme://host[:port]") of an absolute http(s) URL, or "" for a relative one.
std::string origin_of(std::string_view url);

}  // namespace frontend
