#pragma once
// The state one worker thread's senders share: the plan, the thread's counts, the source of
// unique {{counter}} values (thread index, stepping by the thread count) and the number of
// senders still running.
#include <cstdint>

#include "bench/loadgen/plan.hpp"
#include "bench/loadgen/run_stats.hpp"
#include "core/runtime/wait_list.hpp"

namespace loadgen {

struct WorkerContext {
  WorkerContext(const Plan& p, ThreadStats& s, std::uint64_t first_counter, std::uint64_t step)
      : plan(p), stats(s), next_counter(first_counter), counter_step(step) {}

  const Plan& plan;
  ThreadStats& stats;
  std::uint64_t next_counter;
  std::uint64_t counter_step;
  int running = 0;
  core::WaitList finished;

  std::uint64_t take_counter() noexcept {
    const std::uint64_t c = next_counter;
    next_counter += counter_step;
    return c;
  }
  /// Records one answer that arrived at `at` for a request meant to go at `intended`.
  /// Returns whether it fell into the measured window.
  bool record(Clock::time_point intended, Clock::time_point at, int status) noexcept {
    stats.count_answer();
    if (intended < plan.measure_from || at > plan.end) return false;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(at - intended).count();
    stats.latency.record(static_cast<std::uint64_t>(ns < 0 ? 0 : ns));
    ++stats.status[static_cast<std::size_t>(status) < stats.status.size() ? status : 0];
    ++stats.answered;
    stats.last_answer = at;
    return true;
  }
  /// Counts an error of the measured window (the live counter counts every one).
  void record_error(std::uint64_t ErrorCounts::*kind) noexcept {
    stats.count_error();
    const auto now = Clock::now();
    if (now >= plan.measure_from && now <= plan.end) ++(stats.errors.*kind);
  }
};

}  // namespace loadgen
