#include "core/http/server.hpp"

#include "core/http/json_io.hpp"
#include "core/http/middleware.hpp"
#include "core/http/server_metrics.hpp"
#include "core/http/server_span.hpp"
#include "core/http/session.hpp"
#include "core/log/log.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"

namespace core::http {

Server::Connection::Connection() { server_metrics().open_connections.inc(); }
Server::Connection::~Connection() { server_metrics().open_connections.dec(); }

namespace {
void count_refused() { server_metrics().rejected_connections.inc(); }
}  // namespace

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : options_(std::move(options)),
      router_(std::move(router)),
      tcp_({options_.host, options_.port, options_.reuse_port, options_.max_connections},
           &count_refused),
      gate_(options_.admission, options_.open_paths) {}

Server::~Server() = default;

void Server::start() {
  tcp_.start([this](TcpStream stream) { accept(std::move(stream)); });
}

void Server::accept(TcpStream stream) {
  auto conn = std::make_unique<Connection>();
  tcp_.connections().add(*conn);
  CancelToken* token = &conn->token;
  spawn(Session::run(std::make_unique<Session>(this, std::move(stream), std::move(conn))), token,
        "http connection");
}

Task<void> Server::drain() {
  // Idle connections are closed now; busy ones close after their current response.
  co_await tcp_.drain();
}

Task<Response> Server::dispatch(Context& ctx) {
  const Request& req = ctx.request;
  ctx.request_id = request_id_for(req);
  bool open = false;  // probes and scrapes: no internal token, no span
  for (const auto& p : options_.open_paths) open = open || p == req.path;
  if (!open) ctx.span = start_server_span(req);
  std::string origin = allowed_origin(req, options_.cors_origins);
  auto started = std::chrono::steady_clock::now();
  Response resp;
  const std::string* route = nullptr;

  RequestGate::Admission admission;  // held while the handler runs
  if (!origin.empty() && is_preflight(req)) {
    resp.status = 204;
  } else if (admission = gate_.admit(ctx); !admission) {
    resp = std::move(*admission.refusal);
  } else {
    auto m = router_->match(req.method, req.path);
    route = m.route;
    if (!options_.internal_token.empty() && !open && !has_bearer_token(req, options_.internal_token)) {
      resp = error_json(401, "missing or invalid internal token");
    } else if (!m.handler) {
      resp = m.status == 405 ? error_json(405, "method not allowed") : error_json(404, "not found");
      if (m.status == 405) resp.headers.push_back({"Allow", m.allow});
    } else {
      ScopedInFlight in_flight;
      bool overloaded = false;
      bool failed = false;
      try {
        Task<Response> handler = (*m.handler)(ctx);
        handler.set_trace_ids(ctx.span.log_ids());  // its log lines name the request's span
        resp = co_await std::move(handler);
      } catch (const Cancelled&) {
        throw;  // the connection is being cut (drain grace over, server gone): no answer
      } catch (const PoolFull& e) {
        log::warn("{} {}: {}", req.method, req.path, e.what());
        overloaded = true;
      } catch (const std::exception& e) {
        log::write(log::Level::error, "handler failed",
                   {{"request_id", ctx.request_id}, {"path", req.path}, {"error", e.what()}});
        failed = true;
      }
      if (overloaded) {
        resp = unavailable_json("service overloaded, retry later");
      } else if (failed) {
        resp = error_json(500, "internal error");
      }
    }
  }
  resp.headers.push_back({"X-Request-ID", ctx.request_id});
  if (!origin.empty()) add_cors_headers(resp, origin, resp.status == 204 && is_preflight(req));
  auto elapsed = std::chrono::steady_clock::now() - started;
  record_request(route ? *route : std::string_view("unmatched"), req.method, resp.status,
                 std::chrono::duration<double>(elapsed).count());
  end_server_span(ctx.span, req.method, route, resp.status);
  co_return resp;
}

}  // namespace core::http
