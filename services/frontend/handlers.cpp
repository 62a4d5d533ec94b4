#include "services/frontend/handlers.hpp"

#include <memory>

#include "wire/url/url.hpp"
#include "core/http/json_io.hpp"
#include "services/frontend/page.hpp"
#include "services/frontend/proxy.hpp"

namespace frontend {

namespace {

std::string_view if_none_match(const core::http::Context& ctx) {
  const std::string* v = ctx.request.header("If-None-Match");
  return v ? std::string_view(*v) : std::string_view();
}

core::Task<core::http::Response> index(const Page* page, core::http::Context& ctx) {
  co_return page->index(if_none_match(ctx));
}

core::Task<core::http::Response> asset(const Page* page, core::http::Context& ctx) {
  // A prefix route sees every method; static files are read-only.
  if (ctx.request.method != "GET" && ctx.request.method != "HEAD") {
    core::http::Response r = core::http::error_json(405, "method not allowed");
    r.headers.push_back({"Allow", "GET, HEAD"});
    co_return r;
  }
  std::string_view name = std::string_view(ctx.request.path).substr(std::string_view("/static/").size());
  co_return page->asset(name, if_none_match(ctx));
}

}  // namespace

bool valid_broker_url(std::string_view url) {
  if (url.empty()) return false;
  for (char c : url) {
    // It goes into an HTML attribute and a CSP header: no quotes, separators or blanks.
    if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == ';' || c == ',' || c == '<' || c == '>' ||
        c == '\\') {
      return false;
    }
  }
  if (url.front() == '/') return url.size() == 1 || url[1] != '/';  // "//host" is not a path
  auto parsed = wire::parse_url(url);
  return parsed && (parsed->scheme == "http" || parsed->scheme == "https") && parsed->userinfo.empty() &&
         parsed->hosts.size() == 1;
}

Settings read_settings(core::service::App& app) {
  Settings s;
  s.broker_url = app.env().str("BROKER_URL", "/api");
  if (!valid_broker_url(s.broker_url)) {
    app.env().fail("BROKER_URL must be a path like /api or an http(s)://host[:port][/path] URL, got \"" +
                   s.broker_url + "\"");
    s.broker_url = "/api";
  }
  s.broker_upstream = app.env().url("BROKER_UPSTREAM", "http://127.0.0.1:8080");
  while (!s.broker_upstream.empty() && s.broker_upstream.back() == '/') s.broker_upstream.pop_back();
  s.timeout = app.limits().downstream_timeout;
  return s;
}

void register_routes(core::service::App& app, const Settings& settings) {
  auto page = std::make_shared<const Page>(settings.broker_url);
  app.route("GET", "/", [page](core::http::Context& c) { return index(page.get(), c); });
  app.route("GET", "/index.html", [page](core::http::Context& c) { return index(page.get(), c); });
  app.on_worker([page, settings](core::Worker&, core::http::Router& router) {
    router.add_prefix("/static/", [page](core::http::Context& c) { return asset(page.get(), c); });
    // Each worker has its own client and connection pool to the broker.
    auto client = std::make_shared<core::http::Client>();
    auto proxy = [client, settings](core::http::Context& c) {
      return proxy_to_broker(client.get(), settings.broker_upstream, settings.timeout, c);
    };
    router.add_prefix("/api/", proxy);
    router.add("POST", "/api", proxy);
  });
}

}  // namespace frontend
