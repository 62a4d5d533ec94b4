#pragma once
// Waiting on the clock: sleep(), and with_timeout() which cancels an awaited task when its
// deadline passes and throws TimeoutError to the awaiter.
#include <chrono>
#include <optional>

#include "core/runtime/callback_awaiter.hpp"
#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer_handle.hpp"

namespace core {

using Duration = std::chrono::milliseconds;

/// Awaitable pause. Throws Cancelled if the awaiting chain is cancelled meanwhile.
class SleepAwaiter final : public CallbackAwaiter<void> {
 public:
  explicit SleepAwaiter(Duration d) : d_(d) {}

 private:
  void start() override;
  void stop() noexcept override { timer_.close(); }
  static void on_timer(void* self);

  Duration d_;
  Timer timer_;
};

/// `co_await sleep(100ms);`
inline SleepAwaiter sleep(Duration d) { return SleepAwaiter(d); }

/// Yields to the loop once (lets other ready coroutines and I/O run).
struct YieldAwaiter {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { Loop::current().defer(h); }
  void await_resume() const noexcept {}
};
inline YieldAwaiter yield() { return {}; }

namespace detail {

/// Arms a timer that cancels `token` after d; disarmed in the destructor.
class DeadlineTimer {
 public:
  void arm(Duration d, CancelToken* token);
  bool fired() const noexcept { return fired_; }

 private:
  static void on_timer(void* self);
  Timer timer_;
  CancelToken* token_ = nullptr;
  bool fired_ = false;
};

}  // namespace detail

/// Awaits task, but no longer than d: past it the task is cancelled (its leaf awaitables throw
/// Cancelled, so it unwinds) and the awaiter gets TimeoutError. An outer cancellation still
/// reaches the task and surfaces as Cancelled.
template <class T>
class TimeoutAwaiter {
 public:
  TimeoutAwaiter(Task<T> task, Duration d) : task_(std::move(task)), d_(d) {}
  bool await_ready() const noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> caller) {
    child_.attach(detail::token_of(caller));
    auto h = task_.handle();
    h.promise().continuation = caller;
    h.promise().cancel = &child_;
    timer_.arm(d_, &child_);
    return h;
  }
  T await_resume() {
    if (timer_.fired() && task_.handle().promise().error) {
      try {
        std::rethrow_exception(task_.handle().promise().error);
      } catch (const Cancelled&) {
        throw TimeoutError();
      }
    }
    return task_.handle().promise().take();
  }

 private:
  Task<T> task_;
  Duration d_;
  CancelToken child_;
  detail::DeadlineTimer timer_;
};

/// `T v = co_await with_timeout(f(), 5s);`
template <class T>
TimeoutAwaiter<T> with_timeout(Task<T> task, Duration d) {
  return TimeoutAwaiter<T>(std::move(task), d);
}

}  // namespace core
