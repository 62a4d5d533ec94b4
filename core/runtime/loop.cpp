#include "core/runtime/loop.hpp"

#include <stdexcept>
#include <string>

#include "core/log/trace_ids.hpp"

namespace core {

namespace {
thread_local Loop* tls_current = nullptr;
}

Loop::Loop() {
  check_uv(uv_loop_init(&loop_), "uv_loop_init");
  loop_.data = this;
  async_ = new_handle<uv_async_t>();
  check_uv(uv_async_init(&loop_, async_, &Loop::on_async), "uv_async_init");
  async_->data = this;
  idle_ = new_handle<uv_idle_t>();
  check_uv(uv_idle_init(&loop_, idle_), "uv_idle_init");
  idle_->data = this;
  remote_ = std::make_shared<Remote>();
  remote_->loop_ = this;
  tls_current = this;
}

bool Loop::Remote::post(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  if (!loop_) return false;
  loop_->post(std::move(fn));
  return true;
}

Loop::~Loop() {
  {
    std::lock_guard lock(remote_->mu_);
    remote_->loop_ = nullptr;
  }
  close_handle(async_);
  close_handle(idle_);
  // Handles still open here belong to objects that outlived their loop (a bug the sanitizer
  // build reports as a leak); their memory is not ours to free, so they are only closed.
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
  while (uv_run(&loop_, UV_RUN_NOWAIT) != 0) {
  }
  uv_loop_close(&loop_);
  if (tls_current == this) tls_current = nullptr;
}

Loop& Loop::current() {
  if (tls_current == nullptr) throw std::logic_error("no core::Loop on this thread");
  return *tls_current;
}

Loop* Loop::current_or_null() noexcept { return tls_current; }

void Loop::run() {
  tls_current = this;
  while (!stopping_) {
    if (uv_run(&loop_, UV_RUN_DEFAULT) == 0 && ready_.empty()) break;
  }
  stopping_ = false;  // a later run() starts afresh
}

void Loop::stop() {
  stopping_ = true;
  uv_stop(&loop_);
}

void Loop::post(std::function<void()> fn) {
  {
    std::lock_guard lock(posted_mu_);
    posted_.push_back(std::move(fn));
  }
  uv_async_send(async_);
}

void Loop::defer(std::coroutine_handle<> h) {
  if (ready_.empty()) uv_idle_start(idle_, &Loop::on_idle);
  ready_.push_back(h);
}

void Loop::on_async(uv_async_t* async) {
  auto* self = static_cast<Loop*>(async->data);
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(self->posted_mu_);
    batch.swap(self->posted_);
  }
  for (auto& fn : batch) fn();
}

void Loop::on_idle(uv_idle_t* idle) {
  auto* self = static_cast<Loop*>(idle->data);
  std::vector<std::coroutine_handle<>> batch;
  batch.swap(self->ready_);
  for (auto h : batch) {
    log::KeepTraceIds keep;
    h.resume();
  }
  if (self->ready_.empty()) uv_idle_stop(idle);
}

void close_handle(uv_handle_t* handle) noexcept {
  if (handle == nullptr || uv_is_closing(handle)) return;
  uv_close(handle, [](uv_handle_t* h) { ::operator delete(h); });
}

void check_uv(int rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string(what) + ": " + uv_strerror(rc));
}

}  // namespace core
