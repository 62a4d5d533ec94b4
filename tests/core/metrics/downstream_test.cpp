#include "core/metrics/downstream.hpp"

#include <gtest/gtest.h>

#include "core/metrics/registry.hpp"

namespace core::metrics {
namespace {

TEST(DownstreamMetrics, CountsByTargetTransportAndOutcome) {
  record_downstream_call("dstest", "http", "ok", 0.002);
  record_downstream_call("dstest", "http", "ok", 0.004);
  record_downstream_call("dstest", "http", "timed_out", 5.0);
  Labels ok{{"target", "dstest"}, {"transport", "http"}, {"outcome", "ok"}};
  Labels late{{"target", "dstest"}, {"transport", "http"}, {"outcome", "timed_out"}};
  EXPECT_EQ(registry().counter("downstream_calls_total", "", ok).value(), 2u);
  EXPECT_EQ(registry().counter("downstream_calls_total", "", late).value(), 1u);
  Histogram& h = registry().histogram("downstream_call_duration_seconds", "",
                                      {{"target", "dstest"}, {"transport", "http"}});
  EXPECT_EQ(h.count(), 3u);
  const std::string text = registry().render();
  EXPECT_NE(
      text.find(
          "downstream_calls_total{outcome=\"timed_out\",target=\"dstest\",transport=\"http\"} 1"),
      std::string::npos)
      << text;
}

}  // namespace
}  // namespace core::metrics
