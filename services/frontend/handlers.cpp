#include "services/frontend/handlers.hpp"

#include <memory>

#include "services/frontend/page.hpp"
#include "services/frontend/proxy.hpp"

namespace frontend {

namespace {

core::Task<core::http::Response> index(const Page* page, core::http::Context&) { co_return page->index(); }

core::Task<core::http::Response> asset(const Page* page, core::http::Context& ctx) {
  co_return page->asset(std::string_view(ctx.request.path).substr(std::string_view("/static/").size()));
}

}  // namespace

Settings read_settings(core::service::App& app) {
  Settings s;
  s.broker_url = app.env().str("BROKER_URL", "/api");
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
