#include "core/grpc/server_connection.hpp"

#include "core/log/log.hpp"
#include "core/net/linger.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "wire/grpc/metadata.hpp"

namespace core::grpc {

namespace {

constexpr std::size_t kWriteChunk = 64 * 1024;

// Keeps the connection alive while a coroutine of it runs; wakes the reader when done.
struct InFlight {
  InFlight(std::size_t& n, WaitList& w) : n(n), w(w) { ++n; }
  ~InFlight() {
    --n;
    w.notify_all();
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  std::size_t& n;
  WaitList& w;
};

http2::Headers trailers_only(StatusCode code, const std::string& message) {
  http2::Headers h{{":status", "200"},
                   {"content-type", "application/grpc"},
                   {"grpc-status", std::to_string(static_cast<int>(code))}};
  if (!message.empty()) h.push_back({"grpc-message", wire::grpc::percent_encode(message)});
  return h;
}

bool starts_with_grpc(const std::string* content_type) {
  if (content_type == nullptr) return false;
  std::string_view ct = *content_type;
  if (!ct.starts_with("application/grpc")) return false;
  return ct.size() == 16 || ct[16] == '+' || ct[16] == ';';
}

}  // namespace

ServerConnection::ServerConnection(TcpStream stream, std::shared_ptr<const ConnectionConfig> config)
    : stream_(std::move(stream)),
      config_(std::move(config)),
      session_(static_cast<http2::StreamEvents*>(this), config_->limits) {}

ServerConnection::~ServerConnection() = default;

// --- requests -------------------------------------------------------------------------------

void ServerConnection::on_request(std::int32_t stream, http2::Headers headers) {
  const std::string* method = http2::find_header(headers, ":method");
  // Not gRPC: a plain HTTP answer, as the gRPC spec asks.
  if (method == nullptr || *method != "POST") {
    session_.respond(stream, {{":status", "405"}, {"allow", "POST"}, {"content-type", "text/plain"}},
                     "gRPC calls are POST requests\n", {});
    kick();
    return;
  }
  if (!starts_with_grpc(http2::find_header(headers, "content-type"))) {
    session_.respond(stream, {{":status", "415"}, {"content-type", "text/plain"}},
                     "content-type must be application/grpc\n", {});
    kick();
    return;
  }
  Pending p;
  p.deframer = wire::grpc::Deframer(config_->max_message);
  if (!config_->token.empty()) {
    const std::string* auth = http2::find_header(headers, "authorization");
    if (auth == nullptr || *auth != "Bearer " + config_->token) {
      pending_.emplace(stream, std::move(p));  // so that fail() stops the rest of the request
      fail(stream, StatusCode::unauthenticated, "missing or invalid authorization token");
      return;
    }
  }
  const std::string* path = http2::find_header(headers, ":path");
  p.handler = path ? config_->methods->find(*path) : nullptr;
  if (p.handler == nullptr) {
    pending_.emplace(stream, std::move(p));
    fail(stream, StatusCode::unimplemented,
         "unknown method " + (path ? *path : std::string("(none)")));
    return;
  }
  if (const std::string* timeout = http2::find_header(headers, "grpc-timeout")) {
    auto t = wire::grpc::parse_timeout(*timeout);
    if (!t) {
      pending_.emplace(stream, std::move(p));
      fail(stream, StatusCode::internal, "malformed grpc-timeout: " + *timeout);
      return;
    }
    p.deadline_ms = Loop::current().now_ms() + static_cast<std::uint64_t>(t.value().count());
  }
  p.metadata = std::move(headers);
  pending_.emplace(stream, std::move(p));
}

void ServerConnection::on_data(std::int32_t stream, std::string_view data) {
  auto it = pending_.find(stream);
  if (it == pending_.end()) return;  // already answered: the rest is dropped
  Pending& p = it->second;
  buffered_ -= p.held;
  auto fed = p.deframer.feed(data);
  p.held = p.deframer.buffered();
  for (const auto& m : p.deframer.messages()) p.held += m.size();
  buffered_ += p.held;
  if (!fed) {
    fail(stream, wire::grpc::code_of(fed.error()), fed.error().message);
  } else if (p.deframer.messages().size() > 1) {
    fail(stream, StatusCode::internal, "more than one request message for a unary method");
  } else if (buffered_ > config_->max_buffered) {
    fail(stream, StatusCode::resource_exhausted, "too much request data in flight on this connection");
  }
}

void ServerConnection::on_end(std::int32_t stream) {
  auto it = pending_.find(stream);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  buffered_ -= p.held;
  pending_.erase(it);
  if (p.deframer.partial() || p.deframer.messages().size() != 1) {
    answer(stream, StatusCode::internal,
           p.deframer.partial() ? "truncated request message" : "no request message", {});
    return;
  }
  start_call(stream, std::move(p));
}

void ServerConnection::on_close(std::int32_t stream, std::uint32_t) {
  forget_pending(stream);
  auto it = running_.find(stream);
  if (it != running_.end()) {
    it->second->closed = true;
    it->second->token.cancel();  // a cancelled call (RST_STREAM) stops its handler
  }
  maybe_finish_drain();
}

void ServerConnection::forget_pending(std::int32_t stream) {
  auto it = pending_.find(stream);
  if (it == pending_.end()) return;
  buffered_ -= it->second.held;
  pending_.erase(it);
}

// Answers at once, before the request is complete: the rest of it is not wanted (RST_STREAM
// NO_ERROR after the response, as RFC 9113 8.1 allows).
void ServerConnection::fail(std::int32_t stream, StatusCode code, const std::string& message) {
  forget_pending(stream);
  session_.respond_headers_only(stream, trailers_only(code, message), /*stop_request=*/true);
  kick();
}

// --- calls ----------------------------------------------------------------------------------

namespace {

// "/logs.LogService/WriteLog" continuing the traceparent metadata, with rpc.* attributes.
trace::Span grpc_server_span(const Call& call) {
  const std::string* path = call.find(":path");
  const std::string* parent = call.find("traceparent");
  const std::string* state = call.find("tracestate");
  std::string_view name = path ? std::string_view(*path) : std::string_view("grpc");
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  trace::Span span = trace::Span::remote(name, wire::trace::SpanKind::server, parent ? *parent : "",
                                         state ? *state : "");
  if (span.recording()) {
    span.set("rpc.system", std::string("grpc"));
    const std::size_t slash = name.find('/');
    if (slash != std::string_view::npos) {
      span.set("rpc.service", std::string(name.substr(0, slash)));
      span.set("rpc.method", std::string(name.substr(slash + 1)));
    }
  }
  return span;
}

}  // namespace

void ServerConnection::start_call(std::int32_t stream, Pending p) {
  auto running = std::make_unique<Running>();
  running->token.attach(&token);
  CancelToken* t = &running->token;
  running_[stream] = std::move(running);
  Call call{std::move(p.deframer.messages().front()), std::move(p.metadata)};
  spawn(run_call(this, stream, p.handler, std::move(call), p.deadline_ms), t, "grpc call");
}

Task<void> ServerConnection::run_call(ServerConnection* c, std::int32_t stream,
                                      const Handler* handler, Call call,
                                      std::optional<std::uint64_t> deadline_ms) {
  InFlight guard(c->in_flight_, c->progress_);
  trace::Span span = grpc_server_span(call);
  call.span = &span;
  StatusCode code = StatusCode::ok;
  std::string message;
  std::string body;
  bool cancelled = false;
  try {
    Task<std::string> work = (*handler)(std::move(call));
    work.set_trace_ids(span.log_ids());
    if (deadline_ms) {
      std::uint64_t now = Loop::current().now_ms();
      if (*deadline_ms <= now) throw TimeoutError();
      body = co_await with_timeout(std::move(work), Duration(*deadline_ms - now));
    } else {
      body = co_await std::move(work);
    }
  } catch (const Error& e) {
    code = e.code;
    message = e.what();
  } catch (const TimeoutError&) {
    code = StatusCode::deadline_exceeded;
    message = "deadline exceeded";
  } catch (const Cancelled&) {
    cancelled = true;
  } catch (const std::exception& e) {
    log::error("grpc call failed: {}", e.what());
    code = StatusCode::internal;
    message = "internal error";
  }
  span.set("rpc.grpc.status_code", std::int64_t{static_cast<int>(code)});
  if (code != StatusCode::ok) span.set_error(message);
  span.end();
  auto it = c->running_.find(stream);
  bool closed = it == c->running_.end() || it->second->closed;
  if (it != c->running_.end()) c->running_.erase(it);
  if (!cancelled && !closed && !c->token.cancelled()) c->answer(stream, code, message, std::move(body));
  c->maybe_finish_drain();
}

void ServerConnection::answer(std::int32_t stream, StatusCode code, const std::string& message,
                              std::string body) {
  if (code != StatusCode::ok) {
    session_.respond_headers_only(stream, trailers_only(code, message));
  } else {
    std::string framed;
    framed.reserve(body.size() + wire::grpc::kPrefixSize);
    wire::grpc::append_message(framed, body);
    session_.respond(stream, {{":status", "200"}, {"content-type", "application/grpc"}},
                     std::move(framed), {{"grpc-status", "0"}});
  }
  kick();
}

// --- writing --------------------------------------------------------------------------------

void ServerConnection::kick() {
  if (writing_ || broken_ || !session_.want_write()) return;
  writing_ = true;
  spawn(write_frames(this), &token, "grpc writer");
}

// Lets the loop finish its turn first, so that the answers of calls completing together leave
// in one write.
Task<void> ServerConnection::write_frames(ServerConnection* c) {
  InFlight guard(c->in_flight_, c->progress_);
  try {
    co_await yield();
    for (;;) {
      if (c->out_.empty()) c->session_.produce(c->out_, kWriteChunk);
      if (c->out_.empty()) break;
      if (c->stream_.write_now(c->out_)) continue;
      c->blocked_ = true;
      co_await c->stream_.write(c->out_, c->config_->write_timeout);
      c->blocked_ = false;
      c->out_.clear();
      c->progress_.notify_all();
    }
  } catch (const std::exception& e) {
    log::debug("grpc connection: write failed: {}", e.what());
    c->broken_ = true;
    c->read_token_.cancel();
  }
  c->blocked_ = false;
  c->writing_ = false;
  // A GOAWAY that ends the session (a connection error) is out: the reader stops waiting.
  if (!c->session_.want_read()) c->read_token_.cancel();
}

Task<void> ServerConnection::final_flush() {
  while (writing_) co_await progress_.wait_uncancellable();
  if (broken_) co_return;
  try {
    for (;;) {
      if (out_.empty()) session_.produce(out_, kWriteChunk);
      if (out_.empty()) break;
      co_await stream_.write(out_, config_->write_timeout);
      out_.clear();
    }
  } catch (const std::exception&) {
  }
}

// --- the connection -------------------------------------------------------------------------

void ServerConnection::begin_drain() {
  if (draining_) return;
  draining_ = true;
  session_.goaway();
  kick();
  maybe_finish_drain();
}

void ServerConnection::maybe_finish_drain() {
  if (draining_ && open_streams() == 0) read_token_.cancel();
}

Task<void> ServerConnection::serve(std::unique_ptr<ServerConnection> self) {
  ServerConnection* c = self.get();  // leaves the server's set when this coroutine ends
  Buffer& in = c->stream_.input();
  c->stream_.set_nodelay(true);
  c->kick();  // our SETTINGS
  try {
    for (;;) {
      if (!in.empty()) {
        bool ok = c->session_.receive(in.readable());
        in.consume(in.size());
        c->kick();
        if (!ok) break;  // bad preface, flood: GOAWAY (if any) goes out, then the close
      }
      if (!c->session_.want_read()) break;
      // Back-pressure: nothing more is read while the peer does not take what we write.
      while (c->blocked_) co_await c->progress_.wait();
      try {
        if (co_await c->stream_.read_some(c->config_->idle_timeout) == 0) break;
      } catch (const TimeoutError&) {
        if (c->open_streams() == 0) throw;
      }
    }
  } catch (const TimeoutError&) {
    log::debug("grpc connection: idle");
    c->session_.goaway();
  } catch (const Cancelled&) {
  } catch (const NetError&) {
  }
  // Draining (or a broken write): the calls in flight finish and are answered. The peer gone:
  // they are cancelled, nobody is left to answer.
  if (!c->draining_ || c->broken_) {
    for (auto& [id, r] : c->running_) r->token.cancel();
  }
  while (c->running_.size() > 0) co_await c->progress_.wait_uncancellable();
  co_await c->final_flush();
  while (c->in_flight_ > 0) co_await c->progress_.wait_uncancellable();
  // We end a connection the peer still holds (its GOAWAY or ours with no stream left, an idle
  // timeout, a protocol error): frames it sends meanwhile must not turn our close into a reset
  // that destroys the last frames we sent.
  if (!c->broken_) co_await linger_close(c->stream_);
  c->stream_.close();
}

}  // namespace core::grpc
