#include "core/runtime/timer.hpp"

namespace core {

void SleepAwaiter::start() { timer_.start(d_, &SleepAwaiter::on_timer, this); }

void SleepAwaiter::on_timer(void* p) {
  auto* self = static_cast<SleepAwaiter*>(p);
  self->timer_.close();
  self->complete(Resume::now);
}

namespace detail {

void DeadlineTimer::arm(Duration d, CancelToken* token) {
  token_ = token;
  timer_.start(d, &DeadlineTimer::on_timer, this);
}

void DeadlineTimer::on_timer(void* p) {
  auto* self = static_cast<DeadlineTimer*>(p);
  self->fired_ = true;
  self->token_->cancel();
}

}  // namespace detail
}  // namespace core
