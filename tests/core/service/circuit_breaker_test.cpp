#include "core/service/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include "core/metrics/registry.hpp"

namespace {

using core::service::CircuitBreaker;
using namespace std::chrono_literals;

TEST(CircuitBreaker, OpensAfterThresholdAndHalfOpensAfterPause) {
  CircuitBreaker b(3, 1000ms);
  auto t = CircuitBreaker::Clock::time_point{} + 10s;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(b.allow(t));
    b.failure(t);
  }
  EXPECT_FALSE(b.allow(t + 10ms));
  EXPECT_TRUE(b.open(t + 10ms));
  EXPECT_TRUE(b.allow(t + 1001ms));   // one trial
  EXPECT_FALSE(b.allow(t + 1002ms));  // not two at once
  b.success();
  EXPECT_TRUE(b.allow(t + 1003ms));
  EXPECT_FALSE(b.open(t + 1003ms));
}

TEST(CircuitBreaker, FailedTrialReopens) {
  CircuitBreaker b(1, 100ms);
  auto t = CircuitBreaker::Clock::time_point{} + 10s;
  b.failure(t);
  EXPECT_FALSE(b.allow(t + 50ms));
  EXPECT_TRUE(b.allow(t + 150ms));
  b.failure(t + 150ms);
  EXPECT_FALSE(b.allow(t + 200ms));
  EXPECT_TRUE(b.allow(t + 260ms));
}

TEST(CircuitBreaker, SuccessResetsCount) {
  CircuitBreaker b(2, 100ms);
  auto t = CircuitBreaker::Clock::time_point{} + 10s;
  b.failure(t);
  b.success();
  b.failure(t);
  EXPECT_TRUE(b.allow(t));
}

TEST(CircuitBreaker, NamedBreakerCountsItselfWhileTripped) {
  auto& gauge = core::metrics::registry().gauge("circuit_breaker_open", "", {{"target", "cbtest"}});
  auto t = CircuitBreaker::Clock::time_point{} + 10s;
  {
    CircuitBreaker a("cbtest", 2, 100ms);
    CircuitBreaker b("cbtest", 2, 100ms);
    a.failure(t);
    EXPECT_EQ(gauge.value(), 0);
    a.failure(t);
    EXPECT_EQ(gauge.value(), 1);
    a.failure(t);  // still one worker's breaker
    b.failure(t);
    b.failure(t);
    EXPECT_EQ(gauge.value(), 2);
    a.success();
    EXPECT_EQ(gauge.value(), 1);
  }
  EXPECT_EQ(gauge.value(), 0);  // a breaker that goes away takes its count along
}

}  // namespace
