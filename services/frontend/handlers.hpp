#pragma once
// The frontend's routes: the page, its assets, and the /api proxy to the broker.
#include <string>
#include <string_view>

#include "core/service/app.hpp"

namespace frontend {

struct Settings {
  std::string broker_url;       // BROKER_URL: what the page calls
  std::string broker_upstream;  // BROKER_UPSTREAM: where /api is proxied to
  core::Duration timeout;       // DOWNSTREAM_TIMEOUT
};

/// BROKER_URL's accepted shapes: a path ("/api") or an absolute http(s) URL without userinfo,
/// and nothing that could break out of an HTML attribute or a CSP directive.
bool valid_broker_url(std::string_view url);

Settings read_settings(core::service::App& app);
void register_routes(core::service::App& app, const Settings& settings);

}  // namespace frontend
