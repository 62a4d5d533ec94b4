#pragma once
// What one worker thread counts while it runs, and the merged result of all of them.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "bench/loadgen/latency_histogram.hpp"

namespace loadgen {

/// Failures by kind; each is one event (a refused connect, a reset connection, a request that
/// got no answer in time, a response that does not parse), not the requests it took along.
struct ErrorCounts {
  std::uint64_t connect = 0;
  std::uint64_t reset = 0;  ///< reset, broken pipe, or closed with requests in flight
  std::uint64_t timeout = 0;
  std::uint64_t parse = 0;
  std::uint64_t total() const noexcept { return connect + reset + timeout + parse; }
  void add(const ErrorCounts& o) noexcept;
};

/// Status slot of an RPC call answered with an error reply (HTTP uses the status codes).
inline constexpr int kRpcErrorReply = 0;
/// Status slot of a successful RPC call.
inline constexpr int kRpcOk = 200;

/// Counts of one thread. Only the measured window is in latency/status/errors; the live
/// counters cover the whole run for the progress line (written by the owner, read by others).
struct ThreadStats {
  LatencyHistogram latency;
  std::array<std::uint64_t, 600> status{};
  ErrorCounts errors;
  std::uint64_t answered = 0;  ///< measured responses
  std::chrono::steady_clock::time_point last_answer{};

  std::atomic<std::uint64_t> live_answered{0};
  std::atomic<std::uint64_t> live_errors{0};

  void count_answer() noexcept { live_answered.store(live_answered.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  void count_error() noexcept { live_errors.store(live_errors.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
};

/// All threads merged.
struct RunResult {
  LatencyHistogram latency;
  std::array<std::uint64_t, 600> status{};
  ErrorCounts errors;
  std::uint64_t answered = 0;
  double seconds = 0;  ///< the measured window
  double rate() const noexcept { return seconds > 0 ? static_cast<double>(answered) / seconds : 0; }
  void add(const ThreadStats& t);
};

}  // namespace loadgen
