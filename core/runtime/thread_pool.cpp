#include "core/runtime/thread_pool.hpp"

#include <algorithm>
#include <iterator>

#include "core/metrics/registry.hpp"

namespace core {

void OffloadGate::post(Loop::Remote& loop, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  if (open_) loop.post(std::move(fn));
}

void OffloadGate::close() {
  std::lock_guard lock(mu_);
  open_ = false;
}

ThreadPool::Metrics ThreadPool::make_metrics(const std::string& name) {
  auto& r = metrics::registry();
  metrics::Labels pool{{"pool", name}};
  // Waits from a few microseconds (an idle pool) to the seconds a saturated hashing pool takes.
  static const std::vector<double> wait_buckets{0.0001, 0.001, 0.005, 0.01, 0.05, 0.1,
                                                0.25,   0.5,   1,     2.5,  5,    10};
  return Metrics{
      r.gauge("thread_pool_threads", "Threads of the offload pools", pool),
      r.gauge("thread_pool_queued", "Jobs waiting for a pool thread", pool),
      r.gauge("thread_pool_busy", "Pool threads running a job", pool),
      r.counter("thread_pool_rejected_total",
                "Jobs refused because the pool's queue was full (503)", pool),
      r.histogram("thread_pool_wait_seconds", "Time a job waited for a pool thread", pool,
                  wait_buckets),
  };
}

ThreadPool::ThreadPool(std::string name, std::size_t threads, std::size_t queue_capacity)
    : name_(std::move(name)), capacity_(queue_capacity), metrics_(make_metrics(name_)) {
  if (threads == 0) threads = 1;
  metrics_.threads.inc(static_cast<double>(threads));
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
  metrics_.threads.dec(static_cast<double>(threads_.size()));
  metrics_.queued.dec(static_cast<double>(queue_.size()));
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
      metrics_.queued.dec(static_cast<double>(dropped.size()));
    }
    if (queue_.size() >= capacity_) {
      metrics_.rejected.inc();
      throw PoolFull(name_);
    }
    queue_.push_back(Job{std::move(work), std::move(abandoned), std::chrono::steady_clock::now()});
    metrics_.queued.inc();
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
      metrics_.queued.dec();
    }
    // A job whose awaiter gave up before it started is skipped, not run.
    if (*job.abandoned) continue;
    metrics_.wait.observe(std::chrono::steady_clock::now() - job.queued_at);
    metrics::ScopedGauge busy(metrics_.busy);
    job.work();
  }
}

}  // namespace core
