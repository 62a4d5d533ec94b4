#include "services/frontend/security.hpp"

namespace frontend {

std::string origin_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return {};
  auto path = url.find_first_of("/?#", scheme_end + 3);
  return std::string(url.substr(0, path));
}

std::string page_policy(std::string_view broker_url) {
  std::string connect = "'self'";
  if (std::string origin = origin_of(broker_url); !origin.empty()) connect += " " + origin;
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src " + connect +
         "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
         "; require-trusted-types-for 'script'; trusted-types 'none'";
}

void add_page_headers(wire::http::Headers& h, const std::string& csp) {
  h.push_back({"Content-Security-Policy", csp});
  h.push_back({"X-Content-Type-Options", "nosniff"});
  h.push_back({"X-Frame-Options", "DENY"});
  h.push_back({"Referrer-Policy", "no-referrer"});
  h.push_back({"Cross-Origin-Opener-Policy", "same-origin"});
  h.push_back({"Cross-Origin-Resource-Policy", "same-origin"});
  h.push_back({"Permissions-Policy",
               "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
               "payment=(), usb=()"});
}

void add_api_headers(wire::http::Headers& h) {
  h.push_back({"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"});
  h.push_back({"X-Content-Type-Options", "nosniff"});
  h.push_back({"Cache-Control", "no-store"});
}

}  // namespace frontend
