#include "core/runtime/thread_pool.hpp"

#include <algorithm>
#include <iterator>

namespace core {

void OffloadGate::post(Loop::Remote& loop, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  if (open_) loop.post(std::move(fn));
}

void OffloadGate::close() {
  std::lock_guard lock(mu_);
  open_ = false;
}

ThreadPool::ThreadPool(std::string name, std::size_t threads, std::size_t queue_capacity)
    : name_(std::move(name)), capacity_(queue_capacity) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { worker_main(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

std::size_t ThreadPool::queued() const {
  std::lock_guard lock(mu_);
  std::size_t live = 0;
  for (const Job& job : queue_) live += *job.abandoned ? 0 : 1;
  return live;
}

void ThreadPool::submit(std::function<void()> work, std::shared_ptr<std::atomic<bool>> abandoned) {
  std::vector<Job> dropped;  // destroyed after the lock is released
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) {
      // Jobs whose awaiters gave up (deadline, client gone) would only be skipped when their turn
      // came: they give their places to one that someone still waits for.
      auto gone = std::stable_partition(queue_.begin(), queue_.end(),
                                        [](const Job& job) { return !*job.abandoned; });
      std::move(gone, queue_.end(), std::back_inserter(dropped));
      queue_.erase(gone, queue_.end());
    }
    if (queue_.size() >= capacity_) throw PoolFull(name_);
    queue_.push_back(Job{std::move(work), std::move(abandoned)});
  }
  cv_.notify_one();
}

void ThreadPool::worker_main() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    // A job whose awaiter gave up before it started is skipped, not run.
    if (!*job.abandoned) job.work();
  }
}

}  // namespace core
