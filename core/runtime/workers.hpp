#pragma once
// N worker threads, one loop each, sharing nothing; the main thread waits for SIGINT/SIGTERM
// and then drains every worker: stop accepting, let in-flight work finish within the grace
// period, then cancel what is left and stop the loops.
#include <functional>
#include <vector>

#include "core/runtime/loop.hpp"
#include "core/runtime/timer.hpp"

namespace core {

class Worker {
 public:
  Worker(int index, Loop& loop) : index_(index), loop_(loop) {}
  int index() const noexcept { return index_; }
  Loop& loop() noexcept { return loop_; }

  /// Awaited, in registration order, when the process drains (each gets what is left of the grace).
  void on_drain(std::function<Task<void>()> hook) { drain_hooks_.push_back(std::move(hook)); }
  /// Cancelled when the grace period is over: long-running tasks should run under it.
  CancelToken& shutdown() noexcept { return shutdown_; }
  bool draining() const noexcept { return draining_; }

  /// Runs the drain hooks, then cancels shutdown() and stops the loop.
  Task<void> drain(Duration grace);

 private:
  int index_;
  Loop& loop_;
  std::vector<std::function<Task<void>()>> drain_hooks_;
  CancelToken shutdown_;
  bool draining_ = false;
};

/// The Worker of the calling thread (inside run_workers).
Worker& current_worker();

struct WorkerOptions {
  int workers = 0;  // 0 = number of cores
  Duration drain_grace = std::chrono::seconds(20);
};

/// Starts the workers, calls setup(worker) on each worker's thread inside its loop, and blocks
/// until a signal drained them all. Returns the process exit code (0 after a clean drain).
int run_workers(const WorkerOptions& options, std::function<void(Worker&)> setup);

/// Number of worker threads to use for `requested` (0 = cores).
int resolve_worker_count(int requested);

}  // namespace core
