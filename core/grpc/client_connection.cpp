#include "core/grpc/client_connection.hpp"

#include <fmt/format.h>

#include "core/log/log.hpp"
#include "core/net/tcp_connect.hpp"
#include "core/runtime/spawn.hpp"
#include "wire/grpc/metadata.hpp"

namespace core::grpc {

namespace {

constexpr std::size_t kWriteChunk = 64 * 1024;

int http_status_of(const http2::Headers& headers) {
  const std::string* s = http2::find_header(headers, ":status");
  return s ? std::atoi(s->c_str()) : 0;
}

bool is_grpc(const std::string* content_type) {
  if (content_type == nullptr) return false;
  std::string_view ct = *content_type;
  return ct.starts_with("application/grpc") &&
         (ct.size() == 16 || ct[16] == '+' || ct[16] == ';');
}

// What a stream reset by the server (no status received) means to the caller.
Error reset_error(std::uint32_t code) {
  switch (code) {
    case http2::error_code::cancel:
      return Error(StatusCode::cancelled, "stream cancelled by the server");
    case http2::error_code::enhance_your_calm:
      return Error(StatusCode::resource_exhausted, "stream reset: ENHANCE_YOUR_CALM");
    default:
      return Error(StatusCode::internal, fmt::format("stream reset with HTTP/2 error {}", code));
  }
}

}  // namespace

// --- one call -------------------------------------------------------------------------------

ClientCall::~ClientCall() {
  auto it = conn_->calls_.find(stream_);
  if (it != conn_->calls_.end() && it->second == this) conn_->calls_.erase(it);
}

void ClientCall::stop() { conn_->cancel(*this, /*caller_left=*/true); }

void ClientCall::on_response(const http2::Headers& headers) {
  http_status_ = http_status_of(headers);
  if (http_status_ != 200) {
    error_ = Error(wire::grpc::status_from_http(http_status_),
                   fmt::format("HTTP status {} from {}", http_status_, conn_->address()));
    return;
  }
  if (!is_grpc(http2::find_header(headers, "content-type"))) {
    error_ = Error(StatusCode::internal, "response content-type is not application/grpc");
    return;
  }
  if (http2::find_header(headers, "grpc-status")) finish_with_status(headers);  // trailers-only
}

void ClientCall::on_data(std::string_view data) {
  if (error_ || settled_) return;
  auto fed = deframer_.feed(data);
  if (!fed) {
    error_ = Error(fed.error());  // RESOURCE_EXHAUSTED for a message past the limit
  } else if (deframer_.messages().size() > 1) {
    error_ = Error(StatusCode::internal, "more than one response message for a unary call");
  }
  if (error_) conn_->cancel(*this, /*caller_left=*/false);
}

void ClientCall::on_trailers(const http2::Headers& headers) {
  if (!settled_) finish_with_status(headers);
}

void ClientCall::finish_with_status(const http2::Headers& headers) {
  settled_ = true;
  if (error_) {
    fail(Resume::next_turn, std::make_exception_ptr(*error_));
    return;
  }
  const std::string* status = http2::find_header(headers, "grpc-status");
  if (status == nullptr) {
    fail(Resume::next_turn, std::make_exception_ptr(Error(StatusCode::internal, "no grpc-status in the trailers")));
    return;
  }
  StatusCode code = wire::grpc::parse_status(*status);
  if (code != StatusCode::ok) {
    const std::string* message = http2::find_header(headers, "grpc-message");
    fail(Resume::next_turn, std::make_exception_ptr(Error(
                                code, message ? wire::grpc::percent_decode(*message) : std::string())));
    return;
  }
  if (deframer_.partial() || deframer_.messages().size() != 1) {
    fail(Resume::next_turn, std::make_exception_ptr(Error(
                                StatusCode::internal, deframer_.partial() ? "truncated response message"
                                                                          : "no response message")));
    return;
  }
  complete(Resume::next_turn, std::move(deframer_.messages().front()));
}

void ClientCall::on_close(std::uint32_t error_code) {
  if (settled_) return;
  settled_ = true;
  if (error_code == http2::error_code::refused_stream && http_status_ == 0 && !error_) {
    fail(Resume::next_turn, std::make_exception_ptr(StreamRefused()));
    return;
  }
  Error e = error_ ? *error_
            : error_code != 0 ? reset_error(error_code)
                              : Error(StatusCode::internal, "stream ended without a status");
  fail(Resume::next_turn, std::make_exception_ptr(std::move(e)));
}

// --- the connection -------------------------------------------------------------------------

ClientConnection::ClientConnection(std::string host, int port, http2::SessionLimits limits,
                                   Duration io_timeout)
    : address_(fmt::format("{}:{}", host, port)),
      host_(std::move(host)),
      port_(port),
      io_timeout_(io_timeout),
      session_(static_cast<http2::StreamEvents*>(this), limits) {}

ClientConnection::~ClientConnection() = default;

namespace {
std::exception_ptr lost(const std::string& address, int code) {
  return std::make_exception_ptr(NetError(code, fmt::format("grpc connection to {} lost", address)));
}
}  // namespace

namespace {
// Marks a coroutine of the connection alive; wakes ended() when it is done.
struct Alive {
  Alive(bool& flag, WaitList& w) : flag(flag), w(w) { flag = true; }
  ~Alive() {
    flag = false;
    w.notify_all();
  }
  Alive(const Alive&) = delete;
  Alive& operator=(const Alive&) = delete;
  bool& flag;
  WaitList& w;
};
}  // namespace

Task<void> ClientConnection::ended() {
  while (reading_ || writing_) co_await ended_.wait_uncancellable();
}

Task<void> ClientConnection::run(std::shared_ptr<ClientConnection> self, Duration connect_timeout) {
  ClientConnection* c = self.get();
  Alive alive(c->reading_, c->ended_);
  try {
    c->stream_ = co_await tcp_connect(c->host_, c->port_, connect_timeout);
    c->stream_.set_nodelay(true);
    uv_tcp_keepalive(c->stream_.handle(), 1, 60);
    c->state_ = State::open;
  } catch (const NetError& e) {
    c->connect_error_ = std::make_exception_ptr(NetError(e.code, fmt::format("grpc connect to {}", c->address_)));
  } catch (const TimeoutError&) {
    c->connect_error_ = std::make_exception_ptr(NetError(UV_ETIMEDOUT, fmt::format("grpc connect to {}", c->address_)));
  } catch (const std::exception& e) {
    c->connect_error_ = std::make_exception_ptr(
        NetError(UV_ECONNABORTED, fmt::format("grpc connect to {}: {}", c->address_, e.what())));
  }
  if (c->connect_error_) {
    c->state_ = State::broken;
    c->failed_at_ms_ = Loop::current().now_ms();
    c->opened_.notify_all();
    co_return;
  }
  c->opened_.notify_all();
  c->kick();  // the preface and our SETTINGS
  try {
    co_await c->read_loop();
    c->fail(lost(c->address_, UV_EOF));  // GOAWAY, and every stream is done
  } catch (const NetError& e) {
    c->fail(lost(c->address_, e.code));
  } catch (const Cancelled&) {
    c->fail(lost(c->address_, UV_ECANCELED));  // the client closed
  } catch (const std::exception& e) {
    log::warn("grpc connection to {}: {}", c->address_, e.what());
    c->fail(lost(c->address_, UV_ECONNABORTED));
  }
}

Task<void> ClientConnection::read_loop() {
  Buffer& in = stream_.input();
  for (;;) {
    if (!in.empty()) {
      bool ok = session_.receive(in.readable());
      in.consume(in.size());
      kick();
      if (!ok) throw std::runtime_error("HTTP/2 protocol error from the server");
    }
    if (!session_.want_read()) co_return;
    // No read timeout: every call carries its own deadline (see cancel() for a peer that
    // went silent).
    if (co_await stream_.read_some() == 0) throw NetError(UV_EOF, "read");
    ++reads_;
  }
}

Task<void> ClientConnection::opened() {
  while (state_ == State::connecting) co_await opened_.wait();
  if (connect_error_) std::rethrow_exception(connect_error_);
  if (state_ == State::broken) std::rethrow_exception(lost(address_, UV_ECONNRESET));
}

void ClientConnection::start(ClientCall& call, const http2::Headers& headers, std::string body,
                             std::uint64_t started_ms) {
  if (!usable()) {
    throw NetError(UV_ECONNRESET, fmt::format("grpc connection to {} is closing", address_));
  }
  std::string why;
  std::int32_t id = session_.request(headers, std::move(body), &why);
  if (id == 0) throw NetError(UV_ECONNRESET, fmt::format("grpc connection to {}: {}", address_, why));
  call.stream_ = id;
  call.started_ms_ = started_ms;
  call.reads_at_send_ = reads_;
  calls_[id] = &call;
  kick();
}

void ClientConnection::fail(const std::exception_ptr& why) {
  if (state_ == State::broken) return;
  state_ = State::broken;
  failed_at_ms_ = Loop::current().now_ms();
  stream_.close();
  auto calls = std::move(calls_);
  calls_.clear();
  for (auto& [id, call] : calls) {
    call->settled_ = true;
    call->lose(why);
  }
  opened_.notify_all();
}

ClientCall* ClientConnection::find(std::int32_t stream) {
  auto it = calls_.find(stream);
  return it == calls_.end() ? nullptr : it->second;
}

void ClientConnection::on_response(std::int32_t stream, http2::Headers headers) {
  if (ClientCall* c = find(stream)) c->on_response(headers);
}
void ClientConnection::on_data(std::int32_t stream, std::string_view data) {
  if (ClientCall* c = find(stream)) c->on_data(data);
}
void ClientConnection::on_trailers(std::int32_t stream, http2::Headers headers) {
  if (ClientCall* c = find(stream)) c->on_trailers(headers);
}
void ClientConnection::on_close(std::int32_t stream, std::uint32_t error_code) {
  auto it = calls_.find(stream);
  if (it == calls_.end()) return;
  ClientCall* c = it->second;
  calls_.erase(it);
  c->on_close(error_code);
}

// The caller gave up, or the response went wrong: the server stops working on the stream.
void ClientConnection::cancel(ClientCall& call, bool caller_left) {
  auto it = calls_.find(call.stream_);
  if (it == calls_.end() || it->second != &call) return;
  if (caller_left) calls_.erase(it);  // nobody to tell: the stream's end finds no call
  if (state_ != State::open) return;
  session_.reset(call.stream_, http2::error_code::cancel);
  kick();
  if (!caller_left) return;
  // Not a byte back for a whole deadline: a peer that vanished without closing (the socket
  // would otherwise look open forever). The next call connects afresh.
  std::uint64_t now = Loop::current().now_ms();
  auto limit = static_cast<std::uint64_t>(io_timeout_.count());
  if (reads_ == call.reads_at_send_ && now - call.started_ms_ >= limit) {
    fail(std::make_exception_ptr(NetError(
        UV_ETIMEDOUT, fmt::format("grpc connection to {}: no reply within {} ms", address_, limit))));
  }
}

void ClientConnection::kick() {
  if (writing_ || state_ != State::open || !session_.want_write()) return;
  writing_ = true;
  spawn(write_frames(shared_from_this()), &token_, "grpc client writer");
}

// Lets the loop finish its turn first, so that the requests of calls started together leave in
// one write.
Task<void> ClientConnection::write_frames(std::shared_ptr<ClientConnection> self) {
  ClientConnection* c = self.get();
  try {
    co_await yield();
    while (c->state_ == State::open) {
      if (c->out_.empty()) c->session_.produce(c->out_, kWriteChunk);
      if (c->out_.empty()) break;
      if (c->stream_.write_now(c->out_)) continue;
      co_await c->stream_.write(c->out_, c->io_timeout_);
      c->out_.clear();
    }
  } catch (const NetError& e) {
    c->fail(lost(c->address_, e.code));
  } catch (const TimeoutError&) {
    c->fail(lost(c->address_, UV_ETIMEDOUT));  // the server stopped reading
  } catch (...) {
    c->fail(lost(c->address_, UV_ECANCELED));
  }
  c->writing_ = false;
  c->ended_.notify_all();
}

}  // namespace core::grpc
