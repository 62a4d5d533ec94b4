#include "services/frontend/proxy.hpp"

#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "core/net/tcp_stream.hpp"
#include "services/frontend/security.hpp"

namespace frontend {

std::string strip_prefix(std::string_view path, std::string_view prefix) {
  std::string_view rest = path.substr(std::min(prefix.size(), path.size()));
  if (rest.empty() || rest.front() != '/') return "/" + std::string(rest);
  return std::string(rest);
}

core::Task<core::http::Response> proxy_to_broker(core::http::Client* client, std::string upstream,
                                                 core::Duration timeout, core::http::Context& ctx) {
  const auto& req = ctx.request;
  std::string url = upstream + strip_prefix(req.path, "/api");
  if (!req.query.empty()) url += "?" + req.query;
  wire::http::Headers headers{{"X-Request-ID", ctx.request_id}};
  for (const char* name : {"Content-Type", "Accept"}) {
    if (const std::string* v = req.header(name)) headers.push_back({name, *v});
  }
  int status = 0;
  const char* failure = nullptr;
  try {
    core::http::Response up = co_await client->request(req.method, url, std::move(headers), req.body, timeout);
    core::http::Response out;
    out.status = up.status;
    out.body = std::move(up.body);
    for (const char* name : {"Content-Type", "Retry-After"}) {
      if (const std::string* v = wire::http::find_header(up.headers, name)) out.headers.push_back({name, *v});
    }
    add_api_headers(out.headers);
    co_return out;
  } catch (const core::TimeoutError&) {
    status = 504;
    failure = "broker service timed out";
  } catch (const core::NetError&) {
    status = 503;
    failure = "broker service unavailable";
  } catch (const std::exception& e) {
    status = 502;
    failure = "broker service error";
    core::log::warn("proxy to broker failed: {}", e.what());
  }
  core::http::Response r = status == 503 ? core::http::unavailable_json(failure)
                                          : core::http::error_json(status, failure);
  add_api_headers(r.headers);
  co_return r;
}

}  // namespace frontend
