#include "bench/loadgen/report.hpp"

#include <gtest/gtest.h>

#include "wire/json/value.hpp"

namespace loadgen {
namespace {

RunResult sample() {
  RunResult r;
  for (std::uint64_t us = 1; us <= 1000; ++us) r.latency.record(us * 1000);
  r.status[200] = 990;
  r.status[503] = 10;
  r.answered = 1000;
  r.seconds = 2;
  r.errors.reset = 3;
  return r;
}

TEST(LoadgenReport, JsonIsValidAndCarriesTheFigures) {
  const Options o = parse_options({"-c", "8", "-H", "X-Q: \"quoted\"", "http://127.0.0.1:1/a\"b"});
  const auto parsed = wire::json::parse(format_json(o, sample()));
  ASSERT_TRUE(parsed.ok()) << format_json(o, sample());
  const auto& v = parsed.value();
  EXPECT_EQ(v.get("target").as_string(), "http://127.0.0.1:1/a\"b");
  EXPECT_EQ(v.get("answered").as_int(), 1000);
  EXPECT_DOUBLE_EQ(*v.get("per_second").as_real(), 500.0);
  EXPECT_EQ(v.get("status").get("503").as_int(), 10);
  EXPECT_EQ(v.get("errors").get("reset").as_int(), 3);
  const double p99 = *v.get("latency_us").get("p99").as_real();
  EXPECT_GE(p99, 990.0);
  EXPECT_LE(p99, 991.0);
}

TEST(LoadgenReport, TableNamesEveryStatusAndErrorKind) {
  const Options o = parse_options({"-c", "8", "http://127.0.0.1:1/"});
  const std::string t = format_table(o, sample());
  EXPECT_NE(t.find("200: 990"), std::string::npos) << t;
  EXPECT_NE(t.find("503: 10"), std::string::npos) << t;
  EXPECT_NE(t.find("reset 3"), std::string::npos) << t;
  EXPECT_NE(t.find("500.0/s"), std::string::npos) << t;
}

TEST(LoadgenReport, RpcStatusesReadAsOkAndErrorReply) {
  const Options o = parse_options({"rpc://127.0.0.1:1"});
  RunResult r;
  r.status[kRpcOk] = 5;
  r.status[kRpcErrorReply] = 2;
  const auto parsed = wire::json::parse(format_json(o, r));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().get("status").get("ok").as_int(), 5);
  EXPECT_EQ(parsed.value().get("status").get("error reply").as_int(), 2);
}

}  // namespace
}  // namespace loadgen
