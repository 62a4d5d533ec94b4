#pragma once
// A bounded pool of threads for blocking C calls (libmongoc, password hashing, librabbitmq's
// blocking steps). One pool per kind of work, so one kind cannot starve another. The result
// resumes the awaiting coroutine on its own loop.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"

namespace core {

/// Thrown when a pool's queue is full: callers answer 503 with Retry-After.
struct PoolFull : std::runtime_error {
  explicit PoolFull(const std::string& pool) : std::runtime_error(pool + " pool is full") {}
};

class ThreadPool {
 public:
  ThreadPool(std::string name, std::size_t threads, std::size_t queue_capacity);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  const std::string& name() const noexcept { return name_; }
  /// Jobs waiting for a thread whose awaiters still wait for them.
  std::size_t queued() const;
  std::size_t capacity() const noexcept { return capacity_; }

  /// Runs fn() on a pool thread; the awaiting coroutine resumes on its loop with the result or
  /// the exception fn threw. Throws PoolFull at once when the queue is full. On cancellation the
  /// awaiter resumes with Cancelled at once; fn, if already started, runs to its end and its
  /// result is dropped (work that started is not recalled).
  template <class F>
  auto run(F fn);

  /// Low level: queues work (throws PoolFull); skipped if *abandoned is set before it starts.
  /// A full queue first lets go of its abandoned jobs, so they never cost a live caller a 503.
  void submit(std::function<void()> work, std::shared_ptr<std::atomic<bool>> abandoned);

 private:
  struct Job {
    std::function<void()> work;  // runs on the pool thread
    std::shared_ptr<std::atomic<bool>> abandoned;
  };
  void worker_main();

  std::string name_;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

namespace detail {

template <class R>
struct OffloadState {
  Loop* loop = nullptr;
  std::shared_ptr<Loop::Remote> remote;  // for the pool thread: the loop may be gone by then
  std::coroutine_handle<> h;
  std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value;
  std::exception_ptr error;
  std::shared_ptr<std::atomic<bool>> abandoned = std::make_shared<std::atomic<bool>>(false);
  bool cancelled = false;
  CancelToken::Subscription sub;
};

template <class R, class F>
class OffloadAwaiter {
 public:
  OffloadAwaiter(ThreadPool& pool, F fn)
      : pool_(pool), fn_(std::move(fn)), state_(std::make_shared<OffloadState<R>>()) {}
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    auto st = state_;
    st->loop = &Loop::current();
    st->remote = st->loop->remote();
    st->h = h;
    CancelToken* token = token_of(h);
    if (token && token->cancelled()) throw Cancelled();
    // Runs on the pool thread; posts completion back to the awaiter's loop.
    auto work = [st, fn = std::move(fn_)]() mutable {
      try {
        if constexpr (std::is_void_v<R>) {
          fn();
          st->value.emplace(true);
        } else {
          st->value.emplace(fn());
        }
      } catch (...) {
        st->error = std::current_exception();
      }
      // An abandoned call never touches its caller's loop again.
      if (*st->abandoned) return;
      st->remote->post([st] {
        if (*st->abandoned) return;
        st->sub.reset();
        st->h.resume();
      });
    };
    pool_.submit(std::move(work), st->abandoned);  // may throw PoolFull: the coroutine is not suspended then
    st->sub.subscribe(token, &OffloadAwaiter::on_cancel, st.get());
  }
  R await_resume() {
    if (state_->cancelled) throw Cancelled();
    if (state_->error) std::rethrow_exception(state_->error);
    if constexpr (!std::is_void_v<R>) return std::move(*state_->value);
  }

 private:
  static void on_cancel(void* p) {
    auto* st = static_cast<OffloadState<R>*>(p);
    *st->abandoned = true;
    st->cancelled = true;
    st->loop->defer(st->h);
  }
  ThreadPool& pool_;
  F fn_;
  std::shared_ptr<OffloadState<R>> state_;
};

}  // namespace detail

template <class F>
auto ThreadPool::run(F fn) {
  using R = std::invoke_result_t<F&>;
  return detail::OffloadAwaiter<R, F>(*this, std::move(fn));
}

}  // namespace core
