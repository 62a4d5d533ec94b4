#include "core/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace core::metrics {
namespace {

TEST(Registry, RendersCounter) {
  Registry r;
  r.counter("http_requests_total", "Requests handled.", {{"method", "POST"}, {"code", "202"}})
      .inc(3);
  r.counter("http_requests_total", "ignored", {{"code", "404"}, {"method", "GET"}}).inc();
  EXPECT_EQ(r.render(),
            "# HELP http_requests_total Requests handled.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{code=\"202\",method=\"POST\"} 3\n"
            "http_requests_total{code=\"404\",method=\"GET\"} 1\n");
}

TEST(Registry, RendersGauge) {
  Registry r;
  r.gauge("open_connections", "Open client connections.").set(7);
  r.gauge("ratio", "A fraction.\nSecond line \\ here.", {{"k", "a\"b\\c\nd"}}).set(0.25);
  EXPECT_EQ(r.render(),
            "# HELP open_connections Open client connections.\n"
            "# TYPE open_connections gauge\n"
            "open_connections 7\n"
            "# HELP ratio A fraction.\\nSecond line \\\\ here.\n"
            "# TYPE ratio gauge\n"
            "ratio{k=\"a\\\"b\\\\c\\nd\"} 0.25\n");
}

TEST(Registry, RendersHistogram) {
  Registry r;
  Histogram& h = r.histogram("rpc_seconds", "RPC latency.", {{"method", "Log"}}, {0.005, 0.1, 1});
  h.observe(0.00390625);  // powers of two: the sum is exact
  h.observe(0.0625);
  h.observe(0.0625);
  h.observe(3);
  EXPECT_EQ(r.render(),
            "# HELP rpc_seconds RPC latency.\n"
            "# TYPE rpc_seconds histogram\n"
            "rpc_seconds_bucket{method=\"Log\",le=\"0.005\"} 1\n"
            "rpc_seconds_bucket{method=\"Log\",le=\"0.1\"} 3\n"
            "rpc_seconds_bucket{method=\"Log\",le=\"1\"} 3\n"
            "rpc_seconds_bucket{method=\"Log\",le=\"+Inf\"} 4\n"
            "rpc_seconds_sum{method=\"Log\"} 3.12890625\n"
            "rpc_seconds_count{method=\"Log\"} 4\n");
}

TEST(Registry, DefaultBucketsWithoutLabels) {
  Registry r;
  r.histogram("latency_seconds", "Latency.");
  const std::string out = r.render();
  EXPECT_NE(out.find("latency_seconds_bucket{le=\"0.0005\"} 0\n"
                     "latency_seconds_bucket{le=\"0.001\"} 0\n"
                     "latency_seconds_bucket{le=\"0.0025\"} 0\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("latency_seconds_bucket{le=\"10\"} 0\n"
                     "latency_seconds_bucket{le=\"+Inf\"} 0\n"
                     "latency_seconds_sum 0\n"
                     "latency_seconds_count 0\n"),
            std::string::npos)
      << out;
}

TEST(Registry, FamiliesSortedByName) {
  Registry r;
  r.counter("b_total", "B.").inc();
  r.gauge("a", "A.");
  const std::string out = r.render();
  EXPECT_LT(out.find("# HELP a "), out.find("# HELP b_total "));
}

TEST(Registry, SameSeriesSameCell) {
  Registry r;
  Counter& a = r.counter("x_total", "X.", {{"a", "1"}, {"b", "2"}});
  Counter& b = r.counter("x_total", "X.", {{"b", "2"}, {"a", "1"}});
  Counter& c = r.counter("x_total", "X.", {{"a", "2"}, {"b", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(Registry, MisuseThrows) {
  Registry r;
  r.counter("x_total", "X.");
  EXPECT_THROW(r.gauge("x_total", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("bad-name", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {{"__reserved", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H.", {{"le", "1"}}), std::invalid_argument);
  r.histogram("h", "H.", {}, {1, 2});
  EXPECT_THROW(r.histogram("h", "H.", {}, {1, 3}), std::invalid_argument);
}

TEST(Registry, ConcurrentIncrementsFromFourThreadsSumExactly) {
  Registry r;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&r] {
      // Each thread looks the cells up itself, as workers do, then caches the references.
      Counter& c = r.counter("jobs_total", "Jobs.", {{"kind", "x"}});
      Histogram& h = r.histogram("job_seconds", "Job time.", {}, {1});
      for (int i = 0; i < kPerThread; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::string out = r.render();
  EXPECT_NE(out.find("jobs_total{kind=\"x\"} 400000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("job_seconds_bucket{le=\"1\"} 400000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("job_seconds_sum 200000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("job_seconds_count 400000\n"), std::string::npos) << out;
}

TEST(Registry, ProcessWideInstance) {
  EXPECT_EQ(&registry(), &registry());
  Counter& c = registry().counter("kit_registry_test_total", "Test.");
  c.inc();
  EXPECT_NE(registry().render().find("kit_registry_test_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace core::metrics
