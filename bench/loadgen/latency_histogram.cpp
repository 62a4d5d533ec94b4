#include "bench/loadgen/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace loadgen {

namespace {
constexpr std::uint64_t kTop = (1ull << LatencyHistogram::kMaxBits) - 1;
}

std::size_t LatencyHistogram::bucket_count() noexcept {
  // Linear range [0, kSubBuckets), then kHalf buckets per power of two up to kMaxBits.
  return kSubBuckets + (kMaxBits - kSubBucketBits) * kHalf;
}

std::size_t LatencyHistogram::index_of(std::uint64_t ns) noexcept {
  ns = std::min(ns, kTop);
  if (ns < kSubBuckets) return static_cast<std::size_t>(ns);
  // Shift so the value keeps kSubBucketBits significant bits: it lands in [kHalf, kSubBuckets).
  const int shift = std::bit_width(ns) - kSubBucketBits;
  const std::uint64_t sub = ns >> shift;
  return static_cast<std::size_t>(kSubBuckets + (shift - 1) * kHalf + (sub - kHalf));
}

std::uint64_t LatencyHistogram::highest_in(std::size_t index) noexcept {
  if (index < kSubBuckets) return index;
  const std::size_t above = index - kSubBuckets;
  const int shift = static_cast<int>(above / kHalf) + 1;
  const std::uint64_t sub = kHalf + above % kHalf;
  return ((sub + 1) << shift) - 1;
}

LatencyHistogram::LatencyHistogram() : counts_(bucket_count(), 0) {}

void LatencyHistogram::record(std::uint64_t ns) noexcept {
  ++counts_[index_of(ns)];
  ++count_;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
  sum_ += static_cast<long double>(ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void LatencyHistogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::mean() const noexcept {
  return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

std::uint64_t LatencyHistogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_in(i), max_);
  }
  return max_;
}

}  // namespace loadgen
