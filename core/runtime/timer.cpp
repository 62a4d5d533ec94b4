#include "core/runtime/timer.hpp"

namespace core {

void SleepAwaiter::start(std::coroutine_handle<> h, CancelToken* token) {
  h_ = h;
  if (token && token->cancelled()) {
    cancelled_ = true;
    Loop::current().defer(h);
    return;
  }
  timer_ = new_handle<uv_timer_t>();
  uv_timer_init(Loop::current().uv(), timer_);
  timer_->data = this;
  uv_timer_start(timer_, &SleepAwaiter::on_timer, static_cast<std::uint64_t>(d_.count()), 0);
  sub_.subscribe(token, &SleepAwaiter::on_cancel, this);
}

void SleepAwaiter::on_timer(uv_timer_t* t) {
  auto* self = static_cast<SleepAwaiter*>(t->data);
  self->sub_.reset();
  close_handle(self->timer_);
  self->timer_ = nullptr;
  self->h_.resume();
}

void SleepAwaiter::on_cancel(void* p) {
  auto* self = static_cast<SleepAwaiter*>(p);
  self->cancelled_ = true;
  close_handle(self->timer_);
  self->timer_ = nullptr;
  // Resume on the next turn, never inside CancelToken::cancel(): the canceller's frame may
  // be gone by the time a resumed chain unwinds back here.
  Loop::current().defer(self->h_);
}

void SleepAwaiter::await_resume() {
  if (cancelled_) throw Cancelled();
}

namespace detail {

DeadlineTimer::~DeadlineTimer() {
  if (timer_) {
    timer_->data = nullptr;
    close_handle(timer_);
  }
}

void DeadlineTimer::arm(Duration d, CancelToken* token) {
  token_ = token;
  timer_ = new_handle<uv_timer_t>();
  uv_timer_init(Loop::current().uv(), timer_);
  timer_->data = this;
  uv_timer_start(timer_, &DeadlineTimer::on_timer, static_cast<std::uint64_t>(d.count()), 0);
}

void DeadlineTimer::on_timer(uv_timer_t* t) {
  auto* self = static_cast<DeadlineTimer*>(t->data);
  if (self == nullptr) return;
  self->fired_ = true;
  self->token_->cancel();
}

}  // namespace detail
}  // namespace core
