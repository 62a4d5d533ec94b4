#include "services/frontend/page.hpp"

#include <span>

#include "core/http/json_io.hpp"
#include "core/service/assets.hpp"

std::span<const core::service::Asset> frontend_assets();  // generated from static/

namespace frontend {

std::string origin_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto path = url.find('/', scheme_end + 3);
  return std::string(url.substr(0, path));
}

std::string escape_attribute(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Page::Page(std::string broker_url) {
  const auto* index = core::service::find_asset(frontend_assets(), "index.html");
  html_ = index ? std::string(index->data) : std::string("<!doctype html><title>missing page</title>");
  constexpr std::string_view marker = "{{BROKER_URL}}";
  if (auto at = html_.find(marker); at != std::string::npos) {
    html_.replace(at, marker.size(), escape_attribute(broker_url));
  }
  std::string connect = "'self'";
  if (std::string origin = origin_of(broker_url); !origin.empty()) connect += " " + origin;
  csp_ = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src " + connect +
         "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
}

void Page::add_security_headers(core::http::Response& r) const {
  r.headers.push_back({"Content-Security-Policy", csp_});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.headers.push_back({"X-Frame-Options", "DENY"});
  r.headers.push_back({"Referrer-Policy", "no-referrer"});
  r.headers.push_back({"Cross-Origin-Opener-Policy", "same-origin"});
  r.headers.push_back({"Cross-Origin-Resource-Policy", "same-origin"});
  r.headers.push_back({"Permissions-Policy", "camera=(), microphone=(), geolocation=()"});
}

core::http::Response Page::index() const {
  core::http::Response r = core::http::text(200, html_, "text/html; charset=utf-8");
  r.headers.push_back({"Cache-Control", "no-cache"});
  add_security_headers(r);
  return r;
}

core::http::Response Page::asset(std::string_view path) const {
  const auto* a = core::service::find_asset(frontend_assets(), path);
  if (!a || path == "index.html") return core::http::error_json(404, "not found");
  core::http::Response r = core::http::text(200, std::string(a->data), core::service::content_type_for(path));
  // Assets change only with a new build; the page itself is no-cache and revalidates them.
  r.headers.push_back({"Cache-Control", "public, max-age=300"});
  add_security_headers(r);
  return r;
}

}  // namespace frontend
