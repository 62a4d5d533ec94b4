#include "core/http/server.hpp"

#include <sys/socket.h>

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

// Busy between the first byte of a request and the end of writing its response: drain() lets
// such a connection finish instead of cutting it. Counted as open while it lives.
struct Server::Connection : ConnectionSet::Member {
  Connection() { server_metrics().open_connections.inc(); }
  ~Connection() { server_metrics().open_connections.dec(); }
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
    : options_(std::move(options)),
      router_(std::move(router)),
      connections_(options_.max_connections),
      gate_(options_.admission, options_.open_paths) {}

// Then connections_ cuts and detaches the connections left.
Server::~Server() { listener_.close(); }

void Server::start() {
  listener_.listen(options_.host, options_.port, options_.reuse_port,
                   [this](TcpStream stream) { accept(std::move(stream)); });
}

void Server::accept(TcpStream stream) {
  if (!connections_.accepting()) {
    server_metrics().rejected_connections.inc();
    stream.reset();
    return;
  }
  auto conn = std::make_unique<Connection>();
  connections_.add(*conn);
  CancelToken* token = &conn->token;
  spawn(serve_connection(this, std::move(stream), std::move(conn)), token, "http connection");
}

Task<void> Server::drain() {
  listener_.close();
  // Idle connections are closed now; busy ones close after their current response.
  co_await connections_.drain();
}

Task<Response> Server::dispatch(Context& ctx) {
  const Request& req = ctx.request;
  ctx.request_id = request_id_for(req);
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
  co_return resp;
}

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// After an error response the client may still be sending the request (a body over the
// limit): closing with unread bytes makes the kernel send RST, and a client whose write then
// fails, or whose TCP stack drops received data on a reset, never sees the response (RFC 9112
// 9.6). So stop writing, then read and drop what comes for a short while, bounded in time and
// bytes (Go's server waits 500 ms the same way).
constexpr Duration kLingerTime = std::chrono::milliseconds(500);
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;

Task<void> linger_close(TcpStream& stream) {
  uv_os_fd_t fd = -1;
  if (uv_fileno(reinterpret_cast<const uv_handle_t*>(stream.handle()), &fd) != 0) co_return;
  ::shutdown(fd, SHUT_WR);  // every write has completed: libuv has nothing queued
  const std::uint64_t until = now_ms() + static_cast<std::uint64_t>(kLingerTime.count());
  std::size_t dropped = 0;
  try {
    while (dropped < kLingerBytes) {
      std::uint64_t now = now_ms();
      if (now >= until) break;
      if (co_await stream.read_some(Duration(until - now)) == 0) break;
      dropped += stream.input().size();
      stream.input().consume(stream.input().size());
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

Task<void> serve_connection(Server* srv, TcpStream stream, std::unique_ptr<Server::Connection> conn) {
  Server::Connection* c = conn.get();  // leaves the server's set when this coroutine ends
  // Copied: the Server may be destroyed while this coroutine is suspended (c->detached() tells).
  const ServerOptions& opt = srv->options_;
  const Duration header_timeout = opt.header_timeout, body_timeout = opt.body_timeout;
  const Duration idle_timeout = opt.idle_timeout, write_timeout = opt.write_timeout;
  const std::shared_ptr<const Router> router = srv->router_;  // outlives the requests in flight
  wire::http::RequestParser parser(opt.limits);
  Buffer& in = stream.input();
  std::string out;
  std::string peer;
  std::uint64_t started_at = 0, headers_at = 0;
  bool close = false;
  bool parse_failed = false;
  bool continue_sent = false;
  bool timed_out = false;
  stream.set_nodelay(true);

  try {
    while (!close) {
      // Answer every request already buffered (pipelining), then write the answers at once.
      while (!in.empty() && !close) {
        bool was_started = parser.started();
        auto progress = parser.feed(in.readable());
        in.consume(progress.consumed);
        if (!was_started && parser.started()) {
          started_at = now_ms();
          c->busy = true;
        }
        if (parser.headers_done() && headers_at == 0) headers_at = now_ms();
        if (progress.state == wire::http::RequestParser::State::need_more) {
          // A client that sent "Expect: 100-continue" waits for this before its body.
          if (parser.headers_done() && parser.expects_continue() && !continue_sent) {
            out.append(kContinue);
            continue_sent = true;
          }
          break;
        }
        if (progress.state == wire::http::RequestParser::State::error) {
          wire::http::serialize_response(parse_error_response(parser), out, false, http_date());
          close = parse_failed = true;
          break;
        }
        Context ctx{parser.take(), {}, {}};
        started_at = headers_at = 0;
        continue_sent = false;
        if (peer.empty()) peer = stream.peer();
        ctx.peer = peer;
        c->busy = true;
        // A client that hangs up while its request runs cancels it: the handler's waits end
        // with Cancelled and the resources go back; committed work is not recalled.
        stream.cancel_on_hangup(&c->token);
        Response resp = co_await srv->dispatch(ctx);
        stream.cancel_on_hangup(nullptr);
        if (c->detached()) co_return;  // the server is gone
        bool keep = ctx.request.keep_alive && !srv->connections_.draining();
        wire::http::serialize_response(resp, out, keep, http_date(), ctx.request.method == "HEAD",
                                       ctx.request.version_minor);
        if (!keep) close = true;
      }
      if (!out.empty()) {
        co_await stream.write(out, write_timeout);
        out.clear();
      }
      if (c->detached()) co_return;
      if (!parser.started()) c->busy = false;  // between requests: drain() may close it
      if (close || (srv->connections_.draining() && !parser.started())) break;

      Duration wait = idle_timeout;
      if (parser.started()) {
        std::uint64_t deadline = parser.headers_done() ? headers_at + body_timeout.count()
                                                       : started_at + header_timeout.count();
        std::uint64_t now = now_ms();
        wait = Duration(deadline > now ? deadline - now : 1);
      }
      if (co_await stream.read_some(wait) == 0) break;  // the client closed
      if (c->detached()) co_return;
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
  } else if (parse_failed && !c->detached()) {
    co_await linger_close(stream);
  }
}

}  // namespace core::http
