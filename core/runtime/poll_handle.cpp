#include "core/runtime/poll_handle.hpp"

#include "core/runtime/loop.hpp"

namespace core {

static_assert(Poll::readable == UV_READABLE && Poll::writable == UV_WRITABLE &&
              Poll::disconnect == UV_DISCONNECT);

int Poll::open(int fd) noexcept {
  close();
  auto* handle = new_handle<uv_poll_t>();
  if (int rc = uv_poll_init(Loop::current().uv(), handle, fd); rc < 0) {
    ::operator delete(handle);  // never initialised, so never closed
    return rc;
  }
  handle->data = this;
  handle_ = handle;
  return 0;
}

void Poll::start(int events, Callback fn, void* arg) noexcept {
  if (handle_ == nullptr) return;
  fn_ = fn;
  arg_ = arg;
  events_ = events;
  uv_poll_start(handle_, events, &Poll::on_poll);
}

void Poll::stop() noexcept {
  if (handle_ == nullptr) return;
  uv_poll_stop(handle_);
  events_ = 0;
}

void Poll::close() noexcept {
  if (handle_ == nullptr) return;
  uv_poll_stop(handle_);  // removes the fd from epoll while it is still open
  handle_->data = nullptr;
  close_handle(handle_);
  handle_ = nullptr;
  events_ = 0;
}

void Poll::on_poll(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<Poll*>(handle->data);
  if (self) self->fn_(self->arg_, status, events);
}

}  // namespace core
