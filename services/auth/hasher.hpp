#pragma once
// Password hashing as the login logic sees it: awaitable, off the loop, within a deadline.
// HashPool is the service's one bounded "hash" pool, shared by every worker; PooledHasher is a
// worker's way into it. A full queue throws core::PoolFull at once (the handler answers 503
// with Retry-After); a queued job whose deadline came too near is dropped (TimeoutError).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/runtime/task.hpp"
#include "core/runtime/thread_pool.hpp"

namespace auth {

using Clock = std::chrono::steady_clock;

class Hasher {
 public:
  virtual ~Hasher() = default;
  /// True when hashing submitted now would be refused (queue full): lets a caller refuse before
  /// doing anything else.
  virtual bool saturated() const { return false; }
  /// password::verify, off the loop. Throws core::TimeoutError if it cannot finish by `deadline`.
  virtual core::Task<bool> verify(std::string password, std::string hash, Clock::time_point deadline) = 0;
  /// password::hash (argon2id), off the loop.
  virtual core::Task<std::string> hash(std::string password, Clock::time_point deadline) = 0;
};

/// The hashing threads and their queue, plus what a job typically costs (a running average of
/// measured ones): a queued job whose deadline is nearer than that when its turn comes is
/// dropped rather than run for an awaiter that will have given up by the time it ends, so under
/// overload the threads work only for clients still waiting. (Refusing at submit time when the
/// queue looks too slow was tried and dropped: instant 503s invite instant retries, whose CPU
/// slows the hashing, which makes the queue look slower still.)
class HashPool {
 public:
  HashPool(std::size_t threads, std::size_t queue) : threads_("hash", threads, queue) {}
  core::ThreadPool& threads() noexcept { return threads_; }
  const core::ThreadPool& threads() const noexcept { return threads_; }
  std::chrono::microseconds typical_cost() const noexcept {
    return std::chrono::microseconds(typical_us_.load(std::memory_order_relaxed));
  }
  void record_cost(std::chrono::microseconds took) noexcept;
  bool full() const { return threads_.queued() >= threads_.capacity(); }

 private:
  core::ThreadPool threads_;
  std::atomic<std::int64_t> typical_us_{0};
};

/// One worker's access to the shared pool. Results come back to the awaiting coroutine's loop
/// until close() - called on that loop's thread before the loop goes (the worker's shutdown,
/// or the destructor) - after which a result that still arrives is dropped instead of being
/// posted to a loop that no longer exists.
class PooledHasher final : public Hasher {
 public:
  explicit PooledHasher(std::shared_ptr<HashPool> pool);
  ~PooledHasher() override { close(); }
  PooledHasher(const PooledHasher&) = delete;
  PooledHasher& operator=(const PooledHasher&) = delete;

  void close() noexcept;
  bool saturated() const override { return pool_->full(); }
  core::Task<bool> verify(std::string password, std::string hash, Clock::time_point deadline) override;
  core::Task<std::string> hash(std::string password, Clock::time_point deadline) override;

 private:
  std::shared_ptr<HashPool> pool_;
  std::shared_ptr<core::OffloadGate> gate_;
};

}  // namespace auth
