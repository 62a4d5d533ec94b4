#include "core/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace core::metrics {
namespace {

using namespace std::chrono_literals;

TEST(Metrics, CounterAndGauge) {
  Counter c;
  c.inc();
  c.inc(4);
  EXPECT_EQ(c.value(), 5u);
  Gauge g;
  g.inc();
  g.inc(2.5);
  g.dec();
  EXPECT_EQ(g.value(), 2.5);
  g.set(-1);
  EXPECT_EQ(g.value(), -1);
}

TEST(Metrics, HistogramBucketsAreLessOrEqual) {
  Histogram h({0.1, 1, 10});
  h.observe(0.1);           // le=0.1
  h.observe(0.5);           // le=1
  h.observe(1.0);           // le=1
  h.observe(100);           // +Inf
  h.observe(std::nan(""));  // +Inf
  EXPECT_EQ(h.bucket_count(0), 1u);
  EXPECT_EQ(h.bucket_count(1), 2u);
  EXPECT_EQ(h.bucket_count(2), 0u);
  EXPECT_EQ(h.bucket_count(3), 2u);
  EXPECT_EQ(h.count(), 5u);
}

TEST(Metrics, HistogramDurations) {
  Histogram h(default_latency_buckets());
  h.observe(3ms);
  EXPECT_DOUBLE_EQ(h.sum(), 0.003);
  EXPECT_EQ(h.bucket_count(3), 1u);  // le=0.005
  { ScopedTimer t(h); }
  EXPECT_EQ(h.count(), 2u);
}

TEST(Metrics, HistogramRejectsBadBounds) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, INFINITY}), std::invalid_argument);
}

TEST(Metrics, ScopedGauge) {
  Gauge g;
  {
    ScopedGauge a(g);
    EXPECT_EQ(g.value(), 1);
    ScopedGauge b(g);
    EXPECT_EQ(g.value(), 2);
    ScopedGauge c(std::move(b));
    EXPECT_EQ(g.value(), 2);
    a = std::move(c);
    EXPECT_EQ(g.value(), 1);
  }
  EXPECT_EQ(g.value(), 0);
}

TEST(Metrics, ConcurrentUpdatesSumExactly) {
  Counter c;
  Gauge g;
  Histogram h({0.5});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        c.inc();
        g.inc();
        h.observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.value(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(g.value(), double{kThreads} * kPerThread);
  EXPECT_EQ(h.count(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(h.bucket_count(0), std::uint64_t{kThreads} * kPerThread / 2);
  EXPECT_EQ(h.sum(), kThreads * (kPerThread / 2) * 1.25);  // exact in binary
}

TEST(Metrics, GaugeSharesAddUpAndLeaveWithTheirOwner) {
  Gauge g;
  {
    GaugeShare a(g);
    GaugeShare b(g);
    a.set(3);
    b.set(4);
    EXPECT_EQ(g.value(), 7);
    a.set(1);
    EXPECT_EQ(g.value(), 5);
    EXPECT_EQ(a.part(), 1);
  }
  EXPECT_EQ(g.value(), 0);
}

}  // namespace
}  // namespace core::metrics
