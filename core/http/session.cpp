#include "core/http/session.hpp"

#include <ctime>

#include "core/http/json_io.hpp"
#include "core/net/linger.hpp"
#include "wire/http/date.hpp"
#include "wire/http/serialize.hpp"
#include "wire/http/status.hpp"

namespace core::http {

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

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

Session::Session(Server* server, TcpStream stream, std::unique_ptr<Server::Connection> conn)
    : server_(server),
      conn_(std::move(conn)),
      stream_(std::move(stream)),
      header_timeout_(server->options_.header_timeout),
      body_timeout_(server->options_.body_timeout),
      idle_timeout_(server->options_.idle_timeout),
      write_timeout_(server->options_.write_timeout),
      router_(server->router_),
      parser_(server->options_.limits) {}

Task<void> Session::run(std::unique_ptr<Session> self) { co_await self->serve(); }

Task<void> Session::serve() {
  stream_.set_nodelay(true);
  bool timed_out = false;
  try {
    while (!close_) {
      // Answer every request already buffered (pipelining), then write the answers at once.
      while (!close_) {
        std::optional<Request> req = next_request();
        if (!req) break;
        Context ctx{std::move(*req), {}, {}};
        if (peer_.empty()) peer_ = stream_.peer();
        ctx.peer = peer_;
        conn_->busy = true;
        // A client that hangs up while its request runs cancels it: the handler's waits end
        // with Cancelled and the resources go back; committed work is not recalled.
        stream_.cancel_on_hangup(&conn_->token);
        Response resp = co_await server_->dispatch(ctx);
        stream_.cancel_on_hangup(nullptr);
        if (conn_->detached()) co_return;  // the server is gone
        queue_answer(ctx.request, resp);
      }
      if (!out_.empty()) {
        co_await stream_.write(out_, write_timeout_);
        out_.clear();
      }
      if (conn_->detached()) co_return;
      if (!parser_.started()) conn_->busy = false;  // between requests: drain() may close it
      if (close_ || (server_->tcp_.connections().draining() && !parser_.started())) break;
      if (co_await stream_.read_some(read_wait()) == 0) break;  // the client closed
      if (conn_->detached()) co_return;
    }
  } catch (const TimeoutError&) {
    timed_out = parser_.started();  // an idle keep-alive connection just closes
  } catch (const Cancelled&) {
  } catch (const NetError&) {
  }
  co_await close_politely(timed_out);
}

std::optional<Request> Session::next_request() {
  Buffer& in = stream_.input();
  if (in.empty()) return std::nullopt;
  bool was_started = parser_.started();
  auto progress = parser_.feed(in.readable());
  in.consume(progress.consumed);
  if (!was_started && parser_.started()) {
    started_at_ = now_ms();
    conn_->busy = true;
  }
  if (parser_.headers_done() && headers_at_ == 0) headers_at_ = now_ms();
  if (progress.state == wire::http::RequestParser::State::need_more) {
    // A client that sent "Expect: 100-continue" waits for this before its body.
    if (parser_.headers_done() && parser_.expects_continue() && !continue_sent_) {
      out_.append(kContinue);
      continue_sent_ = true;
    }
    return std::nullopt;
  }
  if (progress.state == wire::http::RequestParser::State::error) {
    wire::http::serialize_response(parse_error_response(parser_), out_, false, http_date());
    close_ = parse_failed_ = true;
    return std::nullopt;
  }
  started_at_ = headers_at_ = 0;
  continue_sent_ = false;
  return parser_.take();
}

void Session::queue_answer(const Request& req, const Response& resp) {
  bool keep = req.keep_alive && !server_->tcp_.connections().draining();
  wire::http::serialize_response(resp, out_, keep, http_date(), req.method == "HEAD",
                                 req.version_minor);
  if (!keep) close_ = true;
}

Duration Session::read_wait() const {
  if (!parser_.started()) return idle_timeout_;
  std::uint64_t deadline = parser_.headers_done() ? headers_at_ + body_timeout_.count()
                                                  : started_at_ + header_timeout_.count();
  std::uint64_t now = now_ms();
  return Duration(deadline > now ? deadline - now : 1);
}

Task<void> Session::close_politely(bool timed_out) {
  if (timed_out) {
    // Slow or stalled client: say so once, then close.
    out_.clear();
    wire::http::serialize_response(error_json(408, "request timeout"), out_, false, http_date());
    try {
      co_await stream_.write(out_, std::chrono::seconds(1));
    } catch (const std::exception&) {
    }
  } else if (parse_failed_ && !conn_->detached()) {
    // The client may still be sending the request (a body over the limit): a close with its
    // bytes unread would reset the connection and could destroy our error response (RFC 9112
    // 9.6). Go's server lingers 500 ms the same way.
    co_await linger_close(stream_);
  }
}

}  // namespace core::http
