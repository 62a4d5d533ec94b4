#pragma once
// Metric cells, shared by every worker thread. Updates are relaxed atomics: no lock, no
// allocation. Get a cell from the Registry once (at start-up or first use) and keep the
// reference; cells live as long as their registry.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace core::metrics {

/// Request latencies in seconds, 0.5 ms to 10 s.
inline const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

/// Monotonic count.
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (open connections, queue depth).
class Gauge {
 public:
  void inc(double d = 1) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void dec(double d = 1) noexcept { value_.fetch_sub(d, std::memory_order_relaxed); }
  void set(double d) noexcept { value_.store(d, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// One owner's part of a gauge that several owners share (a pool per worker): set() moves the
/// gauge by the change of this part, the destructor takes the part back out. Not thread-safe
/// itself: one owner, one thread.
class GaugeShare {
 public:
  explicit GaugeShare(Gauge& gauge) noexcept : gauge_(&gauge) {}
  GaugeShare(const GaugeShare&) = delete;
  GaugeShare& operator=(const GaugeShare&) = delete;
  ~GaugeShare() { set(0); }

  void set(double part) noexcept {
    if (part == part_) return;
    gauge_->inc(part - part_);
    part_ = part;
  }
  double part() const noexcept { return part_; }

 private:
  Gauge* gauge_;
  double part_ = 0;
};

/// Distribution over fixed upper bounds (`le`), Prometheus-style.
class Histogram {
 public:
  /// `bounds` strictly increasing and finite; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);

  void observe(double v) noexcept;
  template <class Rep, class Period>
  void observe(std::chrono::duration<Rep, Period> d) noexcept {
    observe(std::chrono::duration<double>(d).count());
  }

  const std::vector<double>& bounds() const noexcept { return bounds_; }
  /// Non-cumulative count of bucket i; i == bounds().size() is the +Inf overflow bucket.
  std::uint64_t bucket_count(std::size_t i) const noexcept {
    return counts_[i].load(std::memory_order_relaxed);
  }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  /// Total observations (the sum of the buckets).
  std::uint64_t count() const noexcept;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

/// Adds one to a gauge for its lifetime (in-flight requests, open connections).
class ScopedGauge {
 public:
  explicit ScopedGauge(Gauge& gauge) noexcept : gauge_(&gauge) { gauge_->inc(); }
  ScopedGauge(ScopedGauge&& other) noexcept : gauge_(std::exchange(other.gauge_, nullptr)) {}
  ScopedGauge& operator=(ScopedGauge&& other) noexcept {
    if (this != &other) {
      if (gauge_ != nullptr) gauge_->dec();
      gauge_ = std::exchange(other.gauge_, nullptr);
    }
    return *this;
  }
  ScopedGauge(const ScopedGauge&) = delete;
  ScopedGauge& operator=(const ScopedGauge&) = delete;
  ~ScopedGauge() {
    if (gauge_ != nullptr) gauge_->dec();
  }

 private:
  Gauge* gauge_;
};

/// Observes the seconds elapsed between construction and destruction.
class ScopedTimer {
 public:
  explicit ScopedTimer(Histogram& h) noexcept
      : histogram_(h), start_(std::chrono::steady_clock::now()) {}
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;
  ~ScopedTimer() { histogram_.observe(std::chrono::steady_clock::now() - start_); }

 private:
  Histogram& histogram_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace core::metrics
