#pragma once
/// @file
/// The one way a leaf awaitable waits for a callback (a timer, a socket, a pool thread, a
/// driver's reply, a wait list). A subclass says how the operation starts (start()) and how it
/// stops when the awaiting chain is cancelled (stop()); this base owns the rest:
/// - the suspended coroutine handle;
/// - the subscription to the chain's CancelToken, held only while suspended;
/// - the rule that a cancellation never resumes the coroutine inline: the canceller's frame
///   may be gone by the time a resumed chain unwinds back into it, so it resumes on the next
///   turn of the loop, with Cancelled;
/// - the outcome: a value (or nothing, for T = void) or an exception, delivered by
///   await_resume().
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/log/trace_ids.hpp"
#include "core/runtime/cancel.hpp"
#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"

namespace core {

/// How an outcome resumes the awaiting coroutine.
enum class Resume {
  /// Inside the caller: only from a libuv callback, whose stack holds nothing of a coroutine.
  now,
  /// On the next turn of the loop: from anywhere else (another coroutine's call, a notify).
  next_turn,
};

template <class T = void>
class CallbackAwaiter {
 public:
  CallbackAwaiter(const CallbackAwaiter&) = delete;
  CallbackAwaiter& operator=(const CallbackAwaiter&) = delete;

  /// True when the outcome came in before the coroutine reached co_await.
  bool await_ready() const noexcept { return phase_ == Phase::done; }

  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    return suspend(h, cancellable_ ? detail::token_of(h) : nullptr);
  }

  T await_resume() {
    if (cancelled_) throw Cancelled();
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<T>) return std::move(*value_);
  }

 protected:
  /// `cancellable = false` for waits that must finish whatever happens to the chain (clean-up
  /// paths that run after their own token was cancelled).
  explicit CallbackAwaiter(bool cancellable = true) noexcept : cancellable_(cancellable) {}
  ~CallbackAwaiter() = default;

  /// Begins the operation, once, from await_suspend. It may deliver its outcome at once
  /// (the coroutine then goes on without suspending) or throw (the exception reaches the
  /// coroutine, which was not suspended).
  virtual void start() = 0;
  /// The chain was cancelled while suspended: after this no callback may reach this awaiter.
  virtual void stop() {}

  /// True while an outcome is still awaited (started, not yet completed or cancelled).
  bool pending() const noexcept { return phase_ == Phase::starting || phase_ == Phase::waiting; }

  /// Delivers the value (nothing for T = void); before co_await it is kept for it. Ignored once
  /// an outcome is in.
  template <class... A>
  void complete(Resume how, A&&... value) {
    if (phase_ == Phase::done) return;
    if constexpr (!std::is_void_v<T>) value_.emplace(std::forward<A>(value)...);
    finish(how);
  }
  /// Delivers an exception, like complete().
  void fail(Resume how, std::exception_ptr error) {
    if (phase_ == Phase::done) return;
    error_ = std::move(error);
    finish(how);
  }

 private:
  enum class Phase { idle, starting, waiting, done };
  struct Nothing {};

  bool suspend(std::coroutine_handle<> h, CancelToken* token) {
    if (phase_ == Phase::done) return false;
    if (token && token->cancelled()) {
      cancelled_ = true;
      return false;
    }
    h_ = h;
    phase_ = Phase::starting;
    try {
      start();
    } catch (...) {
      phase_ = Phase::done;
      throw;
    }
    if (phase_ == Phase::done) return false;  // finished inside start()
    phase_ = Phase::waiting;
    sub_.subscribe(token, &CallbackAwaiter::on_cancel, this);
    return true;
  }

  void finish(Resume how) {
    const bool suspended = phase_ == Phase::waiting;
    phase_ = Phase::done;
    if (!suspended) return;  // not suspended yet, or start() still on the stack: nothing to resume
    sub_.reset();
    if (how == Resume::now) {
      log::KeepTraceIds keep;
      h_.resume();
    } else
      Loop::current().defer(h_);
  }

  static void on_cancel(void* p) {
    auto* self = static_cast<CallbackAwaiter*>(p);
    if (self->phase_ != Phase::waiting) return;
    self->phase_ = Phase::done;
    self->cancelled_ = true;
    self->stop();
    Loop::current().defer(self->h_);
  }

  std::coroutine_handle<> h_;
  CancelToken::Subscription sub_;
  Phase phase_ = Phase::idle;
  bool cancellable_;
  bool cancelled_ = false;
  std::exception_ptr error_;
  [[no_unique_address]] std::conditional_t<std::is_void_v<T>, Nothing, std::optional<T>> value_;
};

}  // namespace core
