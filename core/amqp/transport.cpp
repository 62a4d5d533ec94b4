#include "core/amqp/transport.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <uv.h>

#include <cerrno>
#include <cstring>

#include "core/runtime/loop.hpp"

namespace core::amqp::detail {

namespace {
// Frames handled per wake-up before yielding to the rest of the loop.
constexpr int kFramesPerWake = 512;
// Compact the output buffer once this much of it has been written.
constexpr std::size_t kCompactAfter = 256 * 1024;

template <class H>
H* make_handle(void* owner) {
  H* h = new_handle<H>();
  h->data = owner;
  return h;
}
}  // namespace

Transport::Transport(SetupResult setup, FrameSink& sink)
    : conn_(std::move(setup.conn)),
      negotiated_(setup.negotiated),
      sink_(sink),
      fd_(amqp_get_sockfd(conn_.get())),
      encoder_(setup.negotiated.frame_max) {}

Transport::~Transport() {
  stop_io();
  conn_.reset();  // closes the fd: the poll is stopped above
}

void Transport::start() {
  uv_loop_t* loop = Loop::current().uv();
  if (int rc = poll_.open(fd_); rc < 0) {
    fail(fmt::format("uv_poll_init: {}", uv_strerror(rc)));
    return;
  }
  prepare_ = make_handle<uv_prepare_t>(this);
  uv_prepare_init(loop, prepare_);
  idle_ = make_handle<uv_idle_t>(this);
  uv_idle_init(loop, idle_);
  last_read_ms_ = uv_now(loop);
  watch(false);
  if (negotiated_.heartbeat_seconds > 0) {
    const std::chrono::milliseconds half(negotiated_.heartbeat_seconds * 500);
    heartbeat_.start(half, half, &Transport::on_heartbeat, this);
  }
  // Set-up may have left frames in the library (read along with the last RPC reply, or
  // queued by amqp_simple_rpc while it waited for its own reply): nothing will wake us for them.
  uv_idle_start(idle_, &Transport::on_idle);
  if (pending_output() > 0) schedule_flush();
}

void Transport::stop_io() noexcept {
  poll_.close();  // removes the fd from epoll while it is still open
  heartbeat_.close();
  for (uv_handle_t* h :
       {reinterpret_cast<uv_handle_t*>(prepare_), reinterpret_cast<uv_handle_t*>(idle_)}) {
    if (h) {
      h->data = nullptr;
      close_handle(h);
    }
  }
  prepare_ = nullptr;
  idle_ = nullptr;
}

void Transport::fail(const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  stop_io();
  sink_.on_transport_failed(reason);
}

void Transport::abort_socket() noexcept {
  if (!failed_ && fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void Transport::send_method(std::uint16_t channel, amqp_method_number_t id, void* decoded) {
  if (failed_) return;
  encoder_.method(out_, channel, id, decoded);
  schedule_flush();
}

void Transport::send_message(std::uint16_t channel, amqp_method_number_t id, void* decoded,
                             const Properties& props, std::string_view body) {
  if (failed_) return;
  const std::size_t before = out_.size();
  try {
    encoder_.method(out_, channel, id, decoded);
    const amqp_basic_properties_t p = encode_properties(props, arena_);
    encoder_.content(out_, channel, p, body);
  } catch (...) {
    out_.resize(before);  // never leave half a message in the stream
    arena_.recycle();
    throw;
  }
  arena_.recycle();
  schedule_flush();
}

void Transport::schedule_flush() {
  if (flush_scheduled_ || watching_writable_ || !prepare_) return;
  flush_scheduled_ = true;
  uv_prepare_start(prepare_, &Transport::on_prepare);
}

void Transport::watch(bool writable) {
  if (!poll_.is_open()) return;
  watching_writable_ = writable;
  poll_.start(Poll::readable | Poll::disconnect | (writable ? Poll::writable : 0),
              &Transport::on_poll, this);
}

void Transport::flush() {
  while (out_off_ < out_.size()) {
    const ssize_t n =
        ::send(fd_, out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_off_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!watching_writable_) watch(true);
      if (out_off_ >= kCompactAfter) {
        out_.erase(0, out_off_);
        out_off_ = 0;
      }
      return;
    }
    fail(fmt::format("send: {}", std::strerror(errno)));
    return;
  }
  out_.clear();
  out_off_ = 0;
  if (watching_writable_) watch(false);
}

void Transport::drain() {
  amqp_connection_state_t conn = conn_.get();
  for (int i = 0; i < kFramesPerWake; ++i) {
    amqp_frame_t frame;
    struct timeval zero = {0, 0};
    const int rc = amqp_simple_wait_frame_noblock(conn, &frame, &zero);
    if (rc == AMQP_STATUS_TIMEOUT) return;  // nothing buffered, the socket would block
    if (rc != AMQP_STATUS_OK) {
      fail(fmt::format("read: {}", amqp_error_string2(rc)));
      return;
    }
    sink_.on_frame(frame);
    if (failed_) return;
    amqp_maybe_release_buffers_on_channel(conn, frame.channel);
  }
  if (amqp_frames_enqueued(conn) || amqp_data_in_buffer(conn)) {
    uv_idle_start(idle_, &Transport::on_idle);
  }
}

void Transport::on_poll(void* arg, int status, int events) {
  auto* self = static_cast<Transport*>(arg);
  if (status < 0) {
    // libuv reports POLLERR as UV_EBADF; the socket's own error says what happened. Frames
    // that arrived before it (a connection.close with its reason) are read first.
    self->drain();
    if (self->failed_) return;
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(self->fd_, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error == 0) {
      self->fail(fmt::format("poll: {}", uv_strerror(status)));
    } else {
      self->fail(fmt::format("socket: {}", std::strerror(error)));
    }
    return;
  }
  if (events & Poll::writable) {
    self->flush();
    if (self->failed_) return;
  }
  if (events & (Poll::readable | Poll::disconnect)) {
    self->last_read_ms_ = Loop::current().now_ms();
    self->drain();
  }
}

void Transport::on_prepare(uv_prepare_t* handle) {
  auto* self = static_cast<Transport*>(handle->data);
  if (!self) return;
  uv_prepare_stop(handle);
  self->flush_scheduled_ = false;
  self->flush();
}

void Transport::on_idle(uv_idle_t* handle) {
  auto* self = static_cast<Transport*>(handle->data);
  if (!self) return;
  uv_idle_stop(handle);
  self->drain();
}

void Transport::on_heartbeat(void* arg) {
  auto* self = static_cast<Transport*>(arg);
  const std::uint64_t interval =
      static_cast<std::uint64_t>(self->negotiated_.heartbeat_seconds) * 1000;
  if (Loop::current().now_ms() - self->last_read_ms_ > 2 * interval) {
    self->fail(fmt::format("no heartbeat from the broker for {} s",
                           2 * self->negotiated_.heartbeat_seconds));
    return;
  }
  FrameEncoder::heartbeat(self->out_);
  self->schedule_flush();
}

}  // namespace core::amqp::detail
