#pragma once
// Task<T>: a lazy, move-only coroutine. It starts when awaited, resumes its awaiter by
// symmetric transfer when done and carries its exception to the awaiter. It also carries the
// trace its log lines belong to (core/log/trace_ids.hpp): inherited from its awaiter, and put
// back into the thread's current ids whenever it runs again after a co_await.
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/log/trace_ids.hpp"
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

/// `co_await SetTraceIds{ids}` makes ids the awaiting coroutine's (and the thread's) trace ids:
/// a coroutine that starts a span of its own (an RPC call, an AMQP delivery) adopts it for
/// its log lines and for the tasks it awaits from then on.
struct SetTraceIds {
  log::TraceIds ids;
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) noexcept {
    if constexpr (requires { h.promise().trace_ids; }) h.promise().trace_ids = ids;
    log::set_current_trace_ids(ids);
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

/// What a promise of ours carries for the log lines of its coroutine.
struct TraceCarrier {
  log::TraceIds trace_ids;
};

template <class P>
const log::TraceIds* trace_ids_of(std::coroutine_handle<P> h) noexcept {
  if constexpr (std::is_base_of_v<TraceCarrier, P>) {
    return &h.promise().trace_ids;
  } else {
    return nullptr;
  }
}

/// The awaiter of any `co_await x` in a Task: x's own awaiter, plus restoring the coroutine's
/// trace ids into the thread when it goes on (whoever resumed it: a loop callback, a child).
template <class Inner>
struct TraceRestoring {
  Inner inner;  // a reference when x was one (the operand outlives the whole co_await)
  const log::TraceIds* ids;

  bool await_ready() { return inner.await_ready(); }
  template <class P>
  decltype(auto) await_suspend(std::coroutine_handle<P> h) {
    return inner.await_suspend(h);
  }
  decltype(auto) await_resume() {
    log::set_current_trace_ids(*ids);
    return inner.await_resume();
  }
};

template <class A>
decltype(auto) awaiter_of(A&& a) {
  if constexpr (requires { std::forward<A>(a).operator co_await(); }) {
    return std::forward<A>(a).operator co_await();
  } else if constexpr (requires { operator co_await(std::forward<A>(a)); }) {
    return operator co_await(std::forward<A>(a));
  } else {
    return std::forward<A>(a);
  }
}

struct PromiseBase : CancelCarrier, TraceCarrier {
  std::coroutine_handle<> continuation = std::noop_coroutine();
  std::exception_ptr error;

  struct InitialAwaiter {
    const log::TraceIds* ids;
    bool await_ready() noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) noexcept {}
    void await_resume() noexcept { log::set_current_trace_ids(*ids); }
  };
  InitialAwaiter initial_suspend() noexcept { return {&trace_ids}; }

  template <class A>
  auto await_transform(A&& a) {
    using Inner = decltype(awaiter_of(std::forward<A>(a)));
    return TraceRestoring<Inner>{awaiter_of(std::forward<A>(a)), &trace_ids};
  }

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
      // A task given ids of its own (a request's handler) keeps them; others inherit.
      if (!h.promise().trace_ids.set) {
        if (const log::TraceIds* ids = detail::trace_ids_of(caller)) h.promise().trace_ids = *ids;
      }
      return h;
    }
    T await_resume() { return h.promise().take(); }
  };
  Awaiter operator co_await() && noexcept { return Awaiter{h_}; }

  /// The trace its log lines belong to (before it starts; a request's handler).
  void set_trace_ids(const log::TraceIds& ids) noexcept {
    if (h_) h_.promise().trace_ids = ids;
  }

  /// For runners (spawn, with_timeout): the raw handle, still owned by this Task.
  Handle handle() const noexcept { return h_; }

 private:
  explicit Task(Handle h) noexcept : h_(h) {}
  Handle h_;
};

}  // namespace core
