#pragma once
// An HDR-style log-linear histogram of latencies in nanoseconds: exact below 2048 ns, then each
// power-of-two range cut into 1024 equal buckets, so a bucket is never wider than 1/1024 of the
// values in it (0.1 %), up to about 36 minutes, in a fixed 264 KiB. One per thread, merged at
// the end; record() is a few increments, no allocation.
#include <array>
#include <cstdint>
#include <vector>

namespace loadgen {

class LatencyHistogram {
 public:
  /// Buckets per power of two above the linear range; the relative error is 1/kHalf.
  static constexpr int kSubBucketBits = 11;
  static constexpr std::uint64_t kSubBuckets = 1ull << kSubBucketBits;  // 2048
  static constexpr std::uint64_t kHalf = kSubBuckets / 2;
  /// Values up to 2^kMaxBits - 1 ns (about 36 minutes); larger ones land in the last bucket.
  static constexpr int kMaxBits = 42;

  LatencyHistogram();

  void record(std::uint64_t ns) noexcept;
  void merge(const LatencyHistogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  std::uint64_t max() const noexcept { return max_; }
  double mean() const noexcept;

  /// The value at percentile q (0..100]: the highest value of the bucket holding the
  /// ceil(q/100 * count)-th smallest value, capped at max(). 0 when empty.
  std::uint64_t percentile(double q) const noexcept;

  /// Bucket of a value and the highest value that bucket holds (for tests and percentile()).
  static std::size_t index_of(std::uint64_t ns) noexcept;
  static std::uint64_t highest_in(std::size_t index) noexcept;
  static std::size_t bucket_count() noexcept;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace loadgen
