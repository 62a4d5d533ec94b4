#include "core/net/tcp_stream.hpp"

#include "core/log/trace_ids.hpp"

#include <fmt/format.h>

namespace core {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
// Reading pauses while this much is buffered and unconsumed: the peer then feels TCP back-pressure.
constexpr std::size_t kHighWater = 4 * 1024 * 1024;

void on_closed(uv_handle_t* h) {
  auto* s = reinterpret_cast<StreamState*>(h);
  s->handle_closed = true;
  s->release_if_unused();
}
}  // namespace

NetError::NetError(int c, const std::string& what)
    : std::runtime_error(fmt::format("{}: {}", what, uv_strerror(c))), code(c) {}

StreamState* StreamState::create(uv_loop_t* loop) {
  auto* s = new StreamState();
  uv_tcp_init(loop, &s->tcp);
  s->tcp.data = s;
  return s;
}

void StreamState::start_reading() {
  if (reading || eof || read_error) return;
  reading = true;
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&tcp),
      [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        auto* s = static_cast<StreamState*>(h->data);
        std::size_t avail = 0;
        buf->base = s->in.prepare(kReadChunk, &avail);
        buf->len = avail;
      },
      [](uv_stream_t* st, ssize_t n, const uv_buf_t*) {
        auto* s = static_cast<StreamState*>(st->data);
        if (n > 0) {
          s->in.commit(static_cast<std::size_t>(n));
          if (s->in.size() > kHighWater && !s->reader) {
            uv_read_stop(st);
            s->reading = false;
          }
        } else if (n == UV_EOF) {
          s->eof = true;
          uv_read_stop(st);
          s->reading = false;
          if (!s->reader) return s->on_closed_by_peer();
        } else if (n < 0) {
          s->read_error = static_cast<int>(n);
          uv_read_stop(st);
          s->reading = false;
          if (!s->reader) return s->on_closed_by_peer();
        } else {
          return;  // n == 0: EAGAIN, nothing happened
        }
        if (s->reader) s->wake_reader(1);
      });
}

void StreamState::abort(int err) {
  if (!read_error) read_error = err;
  if (reader) {
    reader_outcome = 1;
    reader_sub.reset();
    disarm_timer();
    Loop::current().defer(std::exchange(reader, {}));
  }
  timer.close();
  if (!closing()) uv_close(reinterpret_cast<uv_handle_t*>(&tcp), on_closed);
}

void StreamState::on_closed_by_peer() {
  if (CancelToken* t = std::exchange(hangup, nullptr)) t->cancel();
}

void TcpStream::cancel_on_hangup(CancelToken* token) noexcept {
  if (!s_) return;
  s_->hangup = token;
  if (token && (s_->eof || s_->read_error)) s_->on_closed_by_peer();
}

void StreamState::wake_reader(int outcome) {
  auto h = std::exchange(reader, {});
  reader_outcome = outcome;
  reader_sub.reset();
  disarm_timer();
  log::KeepTraceIds keep;
  h.resume();
}

void StreamState::arm_timer(Duration d, Timer::Callback cb) { timer.start(d, cb, this); }

void StreamState::disarm_timer() { timer.stop(); }

TcpStream& TcpStream::operator=(TcpStream&& o) noexcept {
  if (this != &o) {
    close();
    s_ = std::exchange(o.s_, nullptr);
  }
  return *this;
}

Buffer& TcpStream::input() noexcept { return s_->in; }

uv_tcp_t* TcpStream::handle() const noexcept { return s_ ? &s_->tcp : nullptr; }

TcpStream::ReadAwaiter TcpStream::read_some(Duration timeout) { return ReadAwaiter(s_, timeout); }

TcpStream::WriteAwaiter TcpStream::write(std::string_view data, Duration timeout) {
  return WriteAwaiter(s_, data, timeout);
}

void TcpStream::set_nodelay(bool on) {
  if (s_) uv_tcp_nodelay(&s_->tcp, on ? 1 : 0);
}

std::string TcpStream::peer() const {
  if (!s_) return "-";
  sockaddr_storage ss{};
  int len = sizeof ss;
  if (uv_tcp_getpeername(&s_->tcp, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "-";
  char ip[64] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    uv_ip6_name(a, ip, sizeof ip);
    port = ntohs(a->sin6_port);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    uv_ip4_name(a, ip, sizeof ip);
    port = ntohs(a->sin_port);
  }
  return fmt::format("{}:{}", ip, port);
}

void TcpStream::close() noexcept {
  StreamState* s = std::exchange(s_, nullptr);
  if (!s) return;
  s->owner_gone = true;
  s->abort(UV_ECANCELED);
  s->release_if_unused();
}

void TcpStream::reset() noexcept {
  if (!s_ || s_->closing() || s_->reader) {
    close();
    return;
  }
  StreamState* s = std::exchange(s_, nullptr);
  s->owner_gone = true;
  s->timer.close();
  uv_tcp_close_reset(&s->tcp, on_closed);
}

// --- reading ---------------------------------------------------------------------------

bool TcpStream::ReadAwaiter::await_ready() {
  if (!s_) throw NetError(UV_EBADF, "read");
  before_ = s_->in.size();
  if (s_->read_error || s_->eof || s_->closing()) {
    ready_ = true;
    return true;
  }
  s_->start_reading();
  return false;
}

void TcpStream::ReadAwaiter::suspend(std::coroutine_handle<> h, CancelToken* token) {
  s_->reader = h;
  s_->pins++;
  pinned_ = true;
  s_->reader_outcome = 0;
  if (timeout_.count() > 0) {
    s_->arm_timer(timeout_, [](void* p) {
      auto* s = static_cast<StreamState*>(p);
      if (s->reader) s->wake_reader(2);
    });
  }
  s_->reader_sub.subscribe(token, [](void* p) {
    auto* s = static_cast<StreamState*>(p);
    if (!s->reader) return;
    s->reader_outcome = 3;
    s->disarm_timer();
    Loop::current().defer(std::exchange(s->reader, {}));
  }, s_);
}

std::size_t TcpStream::ReadAwaiter::await_resume() {
  int outcome = s_->reader_outcome;
  std::size_t got = s_->in.size() - before_;
  int error = s_->read_error && s_->read_error != UV_EOF ? s_->read_error : 0;
  if (!error && !s_->eof && s_->closing()) error = UV_ECANCELED;
  if (pinned_) {
    s_->pins--;
    s_->release_if_unused();  // the stream was closed under us
  }
  if (!ready_) {
    if (outcome == 2) throw TimeoutError();
    if (outcome == 3) throw Cancelled();
  }
  if (got > 0) return got;
  if (error) throw NetError(error, "read");
  return 0;  // EOF
}

// --- writing ---------------------------------------------------------------------------

bool TcpStream::write_now(std::string& out) {
  uv_buf_t buf = uv_buf_init(out.data(), static_cast<unsigned>(out.size()));
  int n = uv_try_write(reinterpret_cast<uv_stream_t*>(handle()), &buf, 1);
  if (n > 0) out.erase(0, static_cast<std::size_t>(n));
  return out.empty();
}

struct TcpStream::WriteAwaiter::Req {
  uv_write_t req;
  WriteAwaiter* owner;
};

bool TcpStream::WriteAwaiter::await_ready() {
  if (!s_) throw NetError(UV_EBADF, "write");
  if (s_->closing()) throw NetError(s_->read_error ? s_->read_error : UV_EPIPE, "write");
  // Fast path: most responses fit in the socket buffer, so no callback round trip is needed.
  uv_buf_t buf = uv_buf_init(const_cast<char*>(data_.data()), static_cast<unsigned>(data_.size()));
  int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&s_->tcp), &buf, 1);
  if (n == static_cast<int>(data_.size())) {
    outcome_ = 1;
    return true;
  }
  if (n > 0) data_.remove_prefix(static_cast<std::size_t>(n));
  else if (n != UV_EAGAIN && n != UV_ENOSYS) {
    status_ = n;
    outcome_ = 1;
    return true;
  }
  return false;
}

void TcpStream::WriteAwaiter::suspend(std::coroutine_handle<> h, CancelToken* token) {
  h_ = h;
  req_ = new Req{};
  req_->owner = this;
  uv_buf_t buf = uv_buf_init(const_cast<char*>(data_.data()), static_cast<unsigned>(data_.size()));
  int rc = uv_write(&req_->req, reinterpret_cast<uv_stream_t*>(&s_->tcp), &buf, 1, &WriteAwaiter::on_write);
  if (rc < 0) {
    delete req_;
    req_ = nullptr;
    status_ = rc;
    outcome_ = 1;
    Loop::current().defer(h);
    return;
  }
  if (timeout_.count() > 0) {
    // A peer that does not read for this long is dead: the connection is closed.
    timer_.start(timeout_, &WriteAwaiter::on_timeout, this);
  }
  sub_.subscribe(token, &WriteAwaiter::on_cancel, this);
}

void TcpStream::WriteAwaiter::on_write(uv_write_t* r, int status) {
  auto* req = reinterpret_cast<Req*>(r);
  WriteAwaiter* self = req->owner;
  delete req;
  if (!self) return;  // the awaiter gave up (timeout/cancel) and is gone
  self->req_ = nullptr;
  self->status_ = status;
  self->outcome_ = 1;
  self->sub_.reset();
  self->timer_.close();
  log::KeepTraceIds keep;
  self->h_.resume();
}

void TcpStream::WriteAwaiter::give_up(int outcome) {
  outcome_ = outcome;
  sub_.reset();
  timer_.close();
  if (req_) {
    req_->owner = nullptr;
    req_ = nullptr;
  }
  // The pending write references the caller's bytes, which go away now: the socket is closed
  // so libuv never touches them again (its callback still comes, with UV_ECANCELED).
  s_->abort(UV_ETIMEDOUT);
  Loop::current().defer(h_);
}

void TcpStream::WriteAwaiter::on_timeout(void* self) {
  static_cast<WriteAwaiter*>(self)->give_up(2);
}

void TcpStream::WriteAwaiter::on_cancel(void* p) { static_cast<WriteAwaiter*>(p)->give_up(3); }

void TcpStream::WriteAwaiter::await_resume() {
  if (outcome_ == 2) throw TimeoutError();
  if (outcome_ == 3) throw Cancelled();
  if (status_ < 0) throw NetError(status_, "write");
}

}  // namespace core
