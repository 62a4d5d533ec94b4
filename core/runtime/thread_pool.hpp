#pragma once
// A bounded pool of threads for blocking C calls (libmongoc, password hashing, librabbitmq's
// blocking steps). One pool per kind of work, so one kind cannot starve another. The result
// resumes the awaiting coroutine on its own loop.
#include <atomic>
#include <chrono>
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

#include "core/metrics/metrics.hpp"
#include "core/runtime/callback_awaiter.hpp"
#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"

namespace core {

/// Thrown when a pool's queue is full: callers answer 503 with Retry-After.
struct PoolFull : std::runtime_error {
  explicit PoolFull(const std::string& pool) : std::runtime_error(pool + " pool is full") {}
};

/// Lets a worker stop results of jobs still running from reaching its loop: closed on the
/// loop's thread before the loop goes (the worker's shutdown), after which a result that still
/// arrives is dropped instead of resuming a coroutine that no longer exists.
class OffloadGate {
 public:
  /// From a pool thread: hands fn to the loop unless the gate was closed.
  void post(Loop::Remote& loop, std::function<void()> fn);
  void close();

 private:
  std::mutex mu_;
  bool open_ = true;
};

/// Options of ThreadPool::run.
struct OffloadOptions {
  using Clock = std::chrono::steady_clock;
  /// A job whose turn comes after this is not run; the awaiter gets TimeoutError.
  std::optional<Clock::time_point> deadline;
  /// Results pass through this gate (see OffloadGate); null: straight to the loop.
  std::shared_ptr<OffloadGate> gate;
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
  /// result is dropped (work that started is not recalled). See OffloadOptions for a deadline
  /// and a gate.
  template <class F>
  auto run(F fn, OffloadOptions options = {});

  /// Low level: queues work (throws PoolFull); skipped if *abandoned is set before it starts.
  /// A full queue first lets go of its abandoned jobs, so they never cost a live caller a 503.
  void submit(std::function<void()> work, std::shared_ptr<std::atomic<bool>> abandoned);

 private:
  struct Job {
    std::function<void()> work;  // runs on the pool thread
    std::shared_ptr<std::atomic<bool>> abandoned;
    std::chrono::steady_clock::time_point queued_at;
  };
  // thread_pool_*{pool=name}: pools of one name (one per worker) add up.
  struct Metrics {
    metrics::Gauge& threads;
    metrics::Gauge& queued;
    metrics::Gauge& busy;
    metrics::Counter& rejected;
    metrics::Histogram& wait;
  };
  static Metrics make_metrics(const std::string& name);
  void worker_main();

  std::string name_;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
  Metrics metrics_;
};

namespace detail {

template <class R, class F>
class OffloadAwaiter final : public CallbackAwaiter<R> {
 public:
  OffloadAwaiter(ThreadPool& pool, F fn, OffloadOptions options)
      : pool_(pool), fn_(std::move(fn)), options_(std::move(options)) {}
  // A frame destroyed while its job is queued or running leaves nothing for the job to resume.
  ~OffloadAwaiter() { *shared_->abandoned = true; }

 private:
  using Value = std::conditional_t<std::is_void_v<R>, bool, R>;
  // What the pool thread and the loop share: the job outlives an awaiter that gave up.
  struct Shared {
    std::shared_ptr<std::atomic<bool>> abandoned = std::make_shared<std::atomic<bool>>(false);
    std::optional<Value> value;
    std::exception_ptr error;
    OffloadAwaiter* awaiter = nullptr;  // read on the loop only, after checking abandoned
  };

  void start() override {
    shared_->awaiter = this;
    auto job = [shared = shared_, remote = Loop::current().remote(), options = options_,
                fn = std::move(fn_)]() mutable {
      try {
        if (options.deadline && OffloadOptions::Clock::now() > *options.deadline) throw TimeoutError();
        if constexpr (std::is_void_v<R>) {
          fn();
          shared->value.emplace(true);
        } else {
          shared->value.emplace(fn());
        }
      } catch (...) {
        shared->error = std::current_exception();
      }
      if (*shared->abandoned) return;  // an abandoned call never touches its caller's loop again
      auto deliver = [shared] {
        if (!*shared->abandoned) shared->awaiter->deliver(*shared);
      };
      if (options.gate)
        options.gate->post(*remote, std::move(deliver));
      else
        remote->post(std::move(deliver));
    };
    pool_.submit(std::move(job), shared_->abandoned);  // PoolFull: the coroutine is not suspended
  }

  void stop() noexcept override { *shared_->abandoned = true; }  // work that started is not recalled

  void deliver(Shared& shared) {
    if (shared.error) return this->fail(Resume::now, shared.error);
    if constexpr (std::is_void_v<R>)
      this->complete(Resume::now);
    else
      this->complete(Resume::now, std::move(*shared.value));
  }

  ThreadPool& pool_;
  F fn_;
  OffloadOptions options_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace detail

template <class F>
auto ThreadPool::run(F fn, OffloadOptions options) {
  using R = std::invoke_result_t<F&>;
  return detail::OffloadAwaiter<R, F>(*this, std::move(fn), std::move(options));
}

}  // namespace core
