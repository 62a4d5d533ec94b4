#pragma once
// Runs one blocking libmongoc call on the driver's ThreadPool and resumes the awaiting
// coroutine on its loop. Unlike ThreadPool::run, a call whose awaiter already left (cancelled,
// deadline passed) never touches the awaiter's loop again: the check and the post happen under
// one mutex, so a call that finishes after its loop is gone (a test's run_sync, a worker shut
// down) cannot post into freed memory. Internal to core/mongo.
#include <atomic>
#include <coroutine>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/runtime/cancel.hpp"
#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/thread_pool.hpp"

namespace core::mongo::detail {

template <class R>
struct CallState {
  std::mutex mu;
  bool left = false;       // the awaiter resumed without the result (under mu)
  bool cancelled = false;  // loop thread only
  Loop* loop = nullptr;
  std::coroutine_handle<> h;
  std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value;
  std::exception_ptr error;
  std::shared_ptr<std::atomic<bool>> skip = std::make_shared<std::atomic<bool>>(false);
  CancelToken::Subscription sub;
};

template <class R, class F>
class CallAwaiter {
 public:
  CallAwaiter(ThreadPool& pool, F fn)
      : pool_(pool), fn_(std::move(fn)), st_(std::make_shared<CallState<R>>()) {}

  bool await_ready() const noexcept { return false; }

  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    CancelToken* token = core::detail::token_of(h);
    if (token != nullptr && token->cancelled()) throw Cancelled();
    st_->loop = &Loop::current();
    st_->h = h;
    pool_.submit(
        [st = st_, fn = std::move(fn_)]() mutable {
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
          std::lock_guard lock(st->mu);
          if (st->left) return;  // nobody waits; the loop may be gone
          st->loop->post([st] {
            if (st->left) return;
            st->sub.reset();
            st->h.resume();
          });
        },
        st_->skip);  // throws PoolFull: the coroutine is not suspended then
    st_->sub.subscribe(token, &CallAwaiter::on_cancel, st_.get());
  }

  R await_resume() {
    if (st_->cancelled) throw Cancelled();
    if (st_->error) std::rethrow_exception(st_->error);
    if constexpr (!std::is_void_v<R>) return std::move(*st_->value);
  }

 private:
  static void on_cancel(void* p) {
    auto* st = static_cast<CallState<R>*>(p);
    {
      std::lock_guard lock(st->mu);
      st->left = true;
    }
    *st->skip = true;  // not started yet: never starts
    st->cancelled = true;
    st->loop->defer(st->h);
  }

  ThreadPool& pool_;
  F fn_;
  std::shared_ptr<CallState<R>> st_;
};

/// `R r = co_await call(pool, fn);` — fn runs on a pool thread.
template <class F>
auto call(ThreadPool& pool, F fn) {
  return CallAwaiter<std::invoke_result_t<F&>, F>(pool, std::move(fn));
}

}  // namespace core::mongo::detail
