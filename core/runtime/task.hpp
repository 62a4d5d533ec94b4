#pragma once
// Task<T>: a lazy, move-only coroutine. It starts when awaited, resumes its awaiter by
// symmetric transfer when done and carries its exception to the awaiter.
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/runtime/cancel.hpp"

namespace core {

namespace detail {

/// What every promise of ours carries: the cancellation token inherited from the awaiter.
struct CancelCarrier {
  CancelToken* cancel = nullptr;
};

template <class P>
CancelToken* token_of(std::coroutine_handle<P> h) noexcept {
  if constexpr (std::is_base_of_v<CancelCarrier, P>) {
    return h.promise().cancel;
  } else {
    return nullptr;
  }
}

/// `co_await SetToken{t}` makes t the token of the awaiting coroutine (for runners).
struct SetToken {
  CancelToken* token;
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) noexcept {
    h.promise().cancel = token;
    return false;  // resume at once
  }
  void await_resume() const noexcept {}
};

/// `co_await CurrentToken{}` yields the awaiting coroutine's token (may be null).
struct CurrentToken {
  CancelToken* token = nullptr;
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) noexcept {
    token = token_of(h);
    return false;
  }
  CancelToken* await_resume() const noexcept { return token; }
};

struct PromiseBase : CancelCarrier {
  std::coroutine_handle<> continuation = std::noop_coroutine();
  std::exception_ptr error;

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      return h.promise().continuation;
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  void return_void() noexcept {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace detail

/// A lazily started coroutine producing T. Await it exactly once: `T v = co_await f();`.
template <class T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::Promise<T> {
    Task get_return_object() noexcept {
      return Task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task() noexcept = default;
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (h_) h_.destroy();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }

  bool valid() const noexcept { return static_cast<bool>(h_); }

  struct Awaiter {
    Handle h;
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> caller) noexcept {
      h.promise().continuation = caller;
      h.promise().cancel = detail::token_of(caller);
      return h;
    }
    T await_resume() { return h.promise().take(); }
  };
  Awaiter operator co_await() && noexcept { return Awaiter{h_}; }

  /// For runners (spawn, with_timeout): the raw handle, still owned by this Task.
  Handle handle() const noexcept { return h_; }

 private:
  explicit Task(Handle h) noexcept : h_(h) {}
  Handle h_;
};

}  // namespace core
