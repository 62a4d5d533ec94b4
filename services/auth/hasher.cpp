#include "services/auth/hasher.hpp"

#include <sodium.h>

#include "core/runtime/cancel.hpp"
#include "services/auth/password.hpp"

namespace auth {

namespace {

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

// A job that starts too late for its deadline, given what a job typically costs, throws
// TimeoutError instead of running; one that runs feeds its cost into the average.
template <class Job>
struct Costed {
  HashPool* pool;
  Clock::time_point deadline;
  Job job;
  auto operator()() {
    auto start = Clock::now();
    if (start + pool->typical_cost() > deadline) throw core::TimeoutError();
    auto result = job();
    pool->record_cost(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start));
    return result;
  }
};

template <class Job>
auto offload(HashPool& pool, const std::shared_ptr<core::OffloadGate>& gate, Clock::time_point deadline, Job job) {
  return pool.threads().run(Costed<Job>{&pool, deadline, std::move(job)},
                            core::OffloadOptions{.deadline = deadline, .gate = gate});
}

}  // namespace

void HashPool::record_cost(std::chrono::microseconds took) noexcept {
  // Exponential moving average; concurrent updates may lose one sample, which is harmless.
  std::int64_t old = typical_us_.load(std::memory_order_relaxed);
  std::int64_t now = old == 0 ? took.count() : (old * 4 + took.count()) / 5;
  typical_us_.store(now, std::memory_order_relaxed);
}

PooledHasher::PooledHasher(std::shared_ptr<HashPool> pool)
    : pool_(std::move(pool)), gate_(std::make_shared<core::OffloadGate>()) {}

void PooledHasher::close() noexcept { gate_->close(); }

core::Task<bool> PooledHasher::verify(std::string password, std::string hash, Clock::time_point deadline) {
  co_return co_await offload(*pool_, gate_, deadline, VerifyJob{std::move(password), std::move(hash)});
}

core::Task<std::string> PooledHasher::hash(std::string password, Clock::time_point deadline) {
  co_return co_await offload(*pool_, gate_, deadline, HashJob{std::move(password)});
}

}  // namespace auth
