#include "core/runtime/timer_handle.hpp"

#include "core/runtime/loop.hpp"

namespace core {

void Timer::start(std::chrono::milliseconds first, std::chrono::milliseconds every, Callback fn,
                  void* arg) {
  if (handle_ == nullptr) {
    handle_ = new_handle<uv_timer_t>();
    uv_timer_init(Loop::current().uv(), handle_);
    handle_->data = this;
    if (!ref_) uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
  }
  fn_ = fn;
  arg_ = arg;
  uv_timer_start(handle_, &Timer::on_fire, static_cast<std::uint64_t>(first.count()),
                 static_cast<std::uint64_t>(every.count()));
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

bool Timer::active() const noexcept {
  return handle_ != nullptr && uv_is_active(reinterpret_cast<const uv_handle_t*>(handle_));
}

void Timer::unref() noexcept {
  ref_ = false;
  if (handle_) uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
}

void Timer::on_fire(uv_timer_t* t) {
  auto* self = static_cast<Timer*>(t->data);
  if (self) self->fn_(self->arg_);
}

}  // namespace core
