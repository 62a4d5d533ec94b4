#pragma once
// Runs the load: one thread per --threads, each with its own loop and its share of the
// connections, until the plan ends; merges the threads' counts.
#include <cstdint>
#include <functional>

#include "bench/loadgen/options.hpp"
#include "bench/loadgen/run_stats.hpp"

namespace loadgen {

/// What the progress callback sees, about once a second, from the calling thread.
struct Progress {
  double elapsed = 0;          ///< seconds since the start
  bool warming_up = false;
  std::uint64_t answered = 0;  ///< over the whole run so far, warm-up included
  std::uint64_t errors = 0;
  double rate = 0;             ///< answers per second over the last interval
};

/// Blocks until the run is over. on_progress may be empty.
RunResult run_load(const Options& options, const std::function<void(const Progress&)>& on_progress);

}  // namespace loadgen
