#include "services/auth/hasher.hpp"

#include <sodium.h>

#include <exception>
#include <functional>
#include <mutex>
#include <optional>

#include "core/runtime/cancel.hpp"
#include "core/runtime/loop.hpp"
#include "core/runtime/timer.hpp"
#include "services/auth/password.hpp"

namespace auth {

struct PooledHasher::Gate {
  std::mutex mu;
  bool open = true;

  // Runs on a pool thread: hands fn to `loop` unless the gate was closed.
  void post(core::Loop* loop, std::function<void()> fn) {
    std::lock_guard lock(mu);
    if (open) loop->post(std::move(fn));
  }
  void close() {
    std::lock_guard lock(mu);
    open = false;
  }
};

namespace {

// One job's shared state: the awaiter on its loop, the job on a pool thread.
template <class R>
struct Call {
  core::Loop* loop = nullptr;
  std::coroutine_handle<> awaiter;
  std::optional<R> value;
  std::exception_ptr error;
  std::shared_ptr<std::atomic<bool>> abandoned = std::make_shared<std::atomic<bool>>(false);
  bool cancelled = false;
  core::CancelToken::Subscription sub;  // touched on the loop only
};

// `co_await HashAwaiter<R, F>{...}`: runs fn on the pool, resumes on the awaiter's loop.
// Like core::ThreadPool::run, but results pass the worker's Gate, and a job that starts too
// late for its deadline throws TimeoutError instead of running.
template <class R, class F>
class HashAwaiter {
 public:
  HashAwaiter(HashPool& pool, std::shared_ptr<PooledHasher::Gate> gate, Clock::time_point deadline, F fn)
      : pool_(pool), gate_(std::move(gate)), deadline_(deadline), fn_(std::move(fn)), call_(std::make_shared<Call<R>>()) {}

  bool await_ready() const noexcept { return false; }

  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    auto call = call_;
    call->loop = &core::Loop::current();
    call->awaiter = h;
    core::CancelToken* token = core::detail::token_of(h);
    if (token && token->cancelled()) throw core::Cancelled();
    auto job = [call, gate = gate_, pool = &pool_, deadline = deadline_, fn = std::move(fn_)]() mutable {
      try {
        auto start = Clock::now();
        if (start + pool->typical_cost() > deadline) throw core::TimeoutError();
        call->value.emplace(fn());
        pool->record_cost(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start));
      } catch (...) {
        call->error = std::current_exception();
      }
      gate->post(call->loop, [call] {
        if (*call->abandoned) return;
        call->sub.reset();
        call->awaiter.resume();
      });
    };
    pool_.threads().submit(std::move(job), call->abandoned);  // throws PoolFull: not suspended then
    call->sub.subscribe(token, &HashAwaiter::on_cancel, call.get());
  }

  R await_resume() {
    if (call_->cancelled) throw core::Cancelled();
    if (call_->error) std::rethrow_exception(call_->error);
    return std::move(*call_->value);
  }

 private:
  static void on_cancel(void* p) {
    auto* call = static_cast<Call<R>*>(p);
    *call->abandoned = true;  // skipped if not started; if running, its result is dropped
    call->cancelled = true;
    call->loop->defer(call->awaiter);
  }

  HashPool& pool_;
  std::shared_ptr<PooledHasher::Gate> gate_;
  Clock::time_point deadline_;
  F fn_;
  std::shared_ptr<Call<R>> call_;
};

// The jobs own their copies (an awaiter that gave up leaves nothing dangling behind a job that
// already started) and wipe the password after use.
struct VerifyJob {
  std::string password;
  std::string hash;
  bool operator()() {
    bool ok = password::verify(password, hash);
    sodium_memzero(password.data(), password.size());
    return ok;
  }
};

struct HashJob {
  std::string password;
  std::string operator()() {
    std::string out = password::hash(password);
    sodium_memzero(password.data(), password.size());
    return out;
  }
};

}  // namespace

void HashPool::record_cost(std::chrono::microseconds took) noexcept {
  // Exponential moving average; concurrent updates may lose one sample, which is harmless.
  std::int64_t old = typical_us_.load(std::memory_order_relaxed);
  std::int64_t now = old == 0 ? took.count() : (old * 4 + took.count()) / 5;
  typical_us_.store(now, std::memory_order_relaxed);
}

PooledHasher::PooledHasher(std::shared_ptr<HashPool> pool)
    : pool_(std::move(pool)), gate_(std::make_shared<Gate>()) {}

void PooledHasher::close() noexcept { gate_->close(); }


core::Task<bool> PooledHasher::verify(std::string password, std::string hash, Clock::time_point deadline) {
  co_return co_await HashAwaiter<bool, VerifyJob>(*pool_, gate_, deadline, VerifyJob{std::move(password), std::move(hash)});
}

core::Task<std::string> PooledHasher::hash(std::string password, Clock::time_point deadline) {
  co_return co_await HashAwaiter<std::string, HashJob>(*pool_, gate_, deadline, HashJob{std::move(password)});
}

}  // namespace auth
