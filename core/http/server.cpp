#include "core/http/server.hpp"

#include <ctime>

#include "core/http/json_io.hpp"
#include "core/http/middleware.hpp"
#include "core/http/server_metrics.hpp"
#include "core/log/log.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "wire/http/date.hpp"
#include "wire/http/status.hpp"
#include "wire/http/request_parser.hpp"
#include "wire/http/serialize.hpp"

namespace core::http {

struct Server::Connection {
  CancelToken token;
  Connection* prev = nullptr;
  Connection* next = nullptr;
  bool busy = false;
};

namespace {

// The Date header changes once a second; format it once a second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_at = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    cached_at = now;
    cached = wire::http::format_http_date(now);
  }
  return cached;
}

std::uint64_t now_ms() { return Loop::current().now_ms(); }

Response parse_error_response(const wire::http::RequestParser& parser) {
  int status = parser.error_status();
  return error_json(status, parser.error_message().empty() ? wire::http::status_text(status)
                                                           : parser.error_message());
}

}  // namespace

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : options_(std::move(options)), router_(std::move(router)) {}

Server::~Server() {
  listener_.close();
  for (Connection* c = head_; c; c = c->next) c->token.cancel();
}

void Server::start() {
  listener_.listen(options_.host, options_.port, options_.reuse_port,
                   [this](TcpStream stream) { accept(std::move(stream)); });
}

void Server::accept(TcpStream stream) {
  if (draining_ || connections_ >= options_.max_connections) {
    server_metrics().rejected_connections.inc();
    stream.reset();
    return;
  }
  auto conn = std::make_unique<Connection>();
  Connection* c = conn.get();
  c->next = head_;
  if (head_) head_->prev = c;
  head_ = c;
  ++connections_;
  server_metrics().open_connections.inc();
  spawn(serve_connection(this, std::move(stream), std::move(conn)), &c->token, "http connection");
}

void Server::forget(Connection* c) {
  if (c->prev) c->prev->next = c->next;
  else head_ = c->next;
  if (c->next) c->next->prev = c->prev;
  --connections_;
  server_metrics().open_connections.dec();
  if (draining_ && connections_ == 0 && drain_waiter_) Loop::current().defer(std::exchange(drain_waiter_, {}));
}

namespace {
struct DrainWait {
  std::coroutine_handle<>* slot;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept { *slot = h; }
  void await_resume() const noexcept {}
};
}  // namespace

Task<void> Server::drain() {
  draining_ = true;
  listener_.close();
  // Idle connections are closed now; busy ones close after their current response.
  for (Connection* c = head_; c; c = c->next) {
    if (!c->busy) c->token.cancel();
  }
  if (connections_ > 0) {
    struct Guard {
      Server* s;
      ~Guard() {
        // Cancelled by the grace timeout: whatever is still open is cut now.
        s->drain_waiter_ = {};
        for (Connection* c = s->head_; c; c = c->next) c->token.cancel();
      }
    } guard{this};
    co_await DrainWait{&drain_waiter_};
  }
}

Task<Response> Server::dispatch(Context& ctx) {
  const Request& req = ctx.request;
  ctx.request_id = request_id_for(req);
  std::string origin = allowed_origin(req, options_.cors_origins);
  auto started = std::chrono::steady_clock::now();
  Response resp;
  const std::string* route = nullptr;

  if (!origin.empty() && is_preflight(req)) {
    resp.status = 204;
  } else {
    auto m = router_->match(req.method, req.path);
    route = m.route;
    bool open = false;
    for (const auto& p : options_.open_paths) open = open || p == req.path;
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
        resp = co_await (*m.handler)(ctx);
      } catch (const PoolFull& e) {
        log::warn("{} {}: {}", req.method, req.path, e.what());
        overloaded = true;
      } catch (const std::exception& e) {
        log::write(log::Level::error, "handler failed",
                   {{"request_id", ctx.request_id}, {"path", req.path}, {"error", e.what()}});
        failed = true;
      }
      if (overloaded) {
        resp = error_json(503, "service overloaded, retry later");
        resp.headers.push_back({"Retry-After", "1"});
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
  co_return resp;
}

Task<void> serve_connection(Server* srv, TcpStream stream, std::unique_ptr<Server::Connection> conn) {
  struct Forget {
    Server* s;
    Server::Connection* c;
    ~Forget() { s->forget(c); }
  } forget{srv, conn.get()};
  const ServerOptions& opt = srv->options_;
  wire::http::RequestParser parser(opt.limits);
  Buffer& in = stream.input();
  std::string out;
  std::string peer;
  std::uint64_t started_at = 0, headers_at = 0;
  bool close = false;
  bool timed_out = false;
  stream.set_nodelay(true);

  try {
    while (!close) {
      // Answer every request already buffered (pipelining), then write the answers at once.
      while (!in.empty() && !close) {
        bool was_started = parser.started();
        auto progress = parser.feed(in.readable());
        in.consume(progress.consumed);
        if (!was_started && parser.started()) started_at = now_ms();
        if (parser.headers_done() && headers_at == 0) headers_at = now_ms();
        if (progress.state == wire::http::RequestParser::State::need_more) break;
        if (progress.state == wire::http::RequestParser::State::error) {
          wire::http::serialize_response(parse_error_response(parser), out, false, http_date());
          close = true;
          break;
        }
        Context ctx{parser.take(), {}, {}};
        started_at = headers_at = 0;
        if (peer.empty()) peer = stream.peer();
        ctx.peer = peer;
        conn->busy = true;
        Response resp = co_await srv->dispatch(ctx);
        conn->busy = false;
        bool keep = ctx.request.keep_alive && !srv->draining_;
        wire::http::serialize_response(resp, out, keep, http_date(), ctx.request.method == "HEAD",
                                       ctx.request.version_minor);
        if (!keep) close = true;
      }
      if (!out.empty()) {
        co_await stream.write(out, opt.write_timeout);
        out.clear();
      }
      if (close || (srv->draining_ && !parser.started())) break;

      Duration wait = opt.idle_timeout;
      if (parser.started()) {
        std::uint64_t deadline = parser.headers_done() ? headers_at + opt.body_timeout.count()
                                                       : started_at + opt.header_timeout.count();
        std::uint64_t now = now_ms();
        wait = Duration(deadline > now ? deadline - now : 1);
      }
      if (co_await stream.read_some(wait) == 0) break;  // the client closed
    }
  } catch (const TimeoutError&) {
    timed_out = parser.started();  // an idle keep-alive connection just closes
  } catch (const Cancelled&) {
  } catch (const NetError&) {
  }
  if (timed_out) {
    // Slow or stalled client: say so once, then close.
    out.clear();
    wire::http::serialize_response(error_json(408, "request timeout"), out, false, http_date());
    try {
      co_await stream.write(out, std::chrono::seconds(1));
    } catch (const std::exception&) {
    }
  }
}

}  // namespace core::http
