#include "core/runtime/timer_handle.hpp"

#include "core/runtime/loop.hpp"

namespace core {

void Timer::start(std::chrono::milliseconds d, Callback fn, void* arg) {
  if (handle_ == nullptr) {
    handle_ = new_handle<uv_timer_t>();
    uv_timer_init(Loop::current().uv(), handle_);
    handle_->data = this;
  }
  fn_ = fn;
  arg_ = arg;
  uv_timer_start(handle_, &Timer::on_fire, static_cast<std::uint64_t>(d.count()), 0);
}

void Timer::stop() noexcept {
  if (handle_) uv_timer_stop(handle_);
}

void Timer::close() noexcept {
  if (handle_ == nullptr) return;
  handle_->data = nullptr;
  close_handle(handle_);  // stops it; freed in the close callback
  handle_ = nullptr;
}

void Timer::on_fire(uv_timer_t* t) {
  auto* self = static_cast<Timer*>(t->data);
  if (self) self->fn_(self->arg_);
}

}  // namespace core
