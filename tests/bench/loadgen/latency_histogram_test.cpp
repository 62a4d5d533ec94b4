#include "bench/loadgen/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace loadgen {
namespace {

// The highest value of a bucket is at most this far above any value in it.
std::uint64_t bucket_error(std::uint64_t v) { return v / LatencyHistogram::kHalf + 1; }

TEST(LatencyHistogram, EmptyIsAllZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.percentile(50), 500u);
  EXPECT_EQ(h.percentile(99), 990u);
  EXPECT_EQ(h.percentile(100), 1000u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
  for (std::size_t i = 0; i + 1 < LatencyHistogram::bucket_count(); ++i) {
    const std::uint64_t top = LatencyHistogram::highest_in(i);
    ASSERT_EQ(LatencyHistogram::index_of(top), i) << "bucket " << i;
    ASSERT_EQ(LatencyHistogram::index_of(top + 1), i + 1) << "bucket " << i;
  }
}

TEST(LatencyHistogram, EveryValueIsWithinItsBucketsRelativeError) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t v = rng() >> (rng() % 40 + 24);  // 1 ns .. 2^40 ns, log-spread
    const std::uint64_t top = LatencyHistogram::highest_in(LatencyHistogram::index_of(v));
    ASSERT_GE(top, v);
    ASSERT_LE(top - v, bucket_error(v)) << v;
  }
}

TEST(LatencyHistogram, PercentilesMatchTheExactOnesWithinTheBucketError) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(std::log(800'000.0), 1.2);  // around 0.8 ms
  std::vector<std::uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::uint64_t>(latency(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {50.0, 90.0, 99.0, 99.9, 100.0}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q / 100.0 * static_cast<double>(values.size())));
    const std::uint64_t exact = values[rank - 1];
    const std::uint64_t got = h.percentile(q);
    EXPECT_GE(got, exact) << "p" << q;
    EXPECT_LE(got - exact, bucket_error(exact)) << "p" << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(3);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 50000; ++i) {
    const std::uint64_t v = rng() % 50'000'000;
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_EQ(a.min(), all.min());
  for (double q : {1.0, 50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(a.percentile(q), all.percentile(q)) << q;
}

TEST(LatencyHistogram, HugeValuesLandInTheLastBucketAndMaxStaysExact) {
  LatencyHistogram h;
  h.record(UINT64_MAX / 2);
  EXPECT_EQ(LatencyHistogram::index_of(UINT64_MAX), LatencyHistogram::bucket_count() - 1);
  EXPECT_EQ(h.max(), UINT64_MAX / 2);
  EXPECT_EQ(h.percentile(50), LatencyHistogram::highest_in(LatencyHistogram::bucket_count() - 1));
}

TEST(LatencyHistogram, ResetForgetsEverything) {
  LatencyHistogram h;
  h.record(12345);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(99), 0u);
}

}  // namespace
}  // namespace loadgen
