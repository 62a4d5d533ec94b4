#include "core/log/log.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "wire/json/value.hpp"

namespace core::log {
struct Counted {
  int* n;
};
}  // namespace core::log

template <>
struct fmt::formatter<core::log::Counted> : fmt::formatter<int> {
  auto format(const core::log::Counted& c, fmt::format_context& ctx) const {
    return fmt::formatter<int>::format(++*c.n, ctx);
  }
};

namespace core::log {
namespace {

std::mutex g_mutex;
std::vector<std::string> g_lines;

void capture(std::string_view line) {
  std::lock_guard lock(g_mutex);
  g_lines.emplace_back(line);
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_lines.clear();
    set_sink(&capture);
    set_level(Level::info);
    set_service("broker");
  }
  void TearDown() override {
    set_sink(nullptr);
    set_level(Level::info);
    set_service("");
  }

  static wire::json::Value only_line() {
    EXPECT_EQ(g_lines.size(), 1u);
    if (g_lines.empty()) return {};
    const std::string& line = g_lines.front();
    EXPECT_TRUE(line.ends_with("}\n")) << line;
    EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
    auto v = wire::json::parse(line);
    EXPECT_TRUE(v.ok()) << line;
    return v.ok() ? v.value() : wire::json::Value();
  }
};

TEST_F(LogTest, LineIsJsonWithTheFields) {
  info("listening on {}:{}", "0.0.0.0", 8080);
  const auto v = only_line();
  EXPECT_EQ(v.get("level").as_string(), "info");
  EXPECT_EQ(v.get("service").as_string(), "broker");
  EXPECT_EQ(v.get("msg").as_string(), "listening on 0.0.0.0:8080");
  const std::string ts(*v.get("ts").as_string());
  EXPECT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"))) << ts;
  // Fixed member order: level, ts, service, msg.
  EXPECT_TRUE(g_lines[0].starts_with(R"({"level":"info","ts":")")) << g_lines[0];
  EXPECT_NE(g_lines[0].find(R"(Z","service":"broker","msg":"listening)"), std::string::npos);
}

TEST_F(LogTest, ExtraFieldsAndRequestId) {
  const std::string rid = "req-42";
  write(Level::warn, "slow \"call\"\n",
        {{"request_id", rid},
         {"status", 504},
         {"bytes", std::size_t{12}},
         {"ms", 1.5},
         {"retry", true},
         {"path", "/handle"}});
  const auto v = only_line();
  EXPECT_EQ(v.get("level").as_string(), "warn");
  EXPECT_EQ(v.get("msg").as_string(), "slow \"call\"\n");
  EXPECT_EQ(v.get("request_id").as_string(), "req-42");
  EXPECT_EQ(v.get("status").as_int(), 504);
  EXPECT_EQ(v.get("bytes").as_int(), 12);
  EXPECT_EQ(v.get("ms").as_real(), 1.5);
  EXPECT_EQ(v.get("retry").as_bool(), true);
  EXPECT_EQ(v.get("path").as_string(), "/handle");
  EXPECT_TRUE(g_lines[0].ends_with(
      R"(,"request_id":"req-42","status":504,"bytes":12,"ms":1.5,"retry":true,"path":"/handle"})"
      "\n"));
}

TEST_F(LogTest, WithHelpers) {
  error_with({{"request_id", "r1"}}, "failed: {}", "boom");
  const auto v = only_line();
  EXPECT_EQ(v.get("level").as_string(), "error");
  EXPECT_EQ(v.get("msg").as_string(), "failed: boom");
  EXPECT_EQ(v.get("request_id").as_string(), "r1");
}

TEST_F(LogTest, RespectsTheLevel) {
  debug("hidden {}", 1);
  EXPECT_TRUE(g_lines.empty());
  EXPECT_FALSE(enabled(Level::debug));
  EXPECT_TRUE(enabled(Level::info));
  set_level(Level::error);
  info("hidden");
  warn("hidden");
  write(Level::warn, "hidden");
  EXPECT_TRUE(g_lines.empty());
  error("shown");
  ASSERT_EQ(g_lines.size(), 1u);
  set_level(Level::debug);
  debug("now shown");
  EXPECT_EQ(g_lines.size(), 2u);
}

TEST_F(LogTest, DisabledLevelDoesNotFormat) {
  int formatted = 0;
  set_level(Level::warn);
  info("{}", Counted{&formatted});
  EXPECT_EQ(formatted, 0);
  EXPECT_TRUE(g_lines.empty());
  warn("{}", Counted{&formatted});
  EXPECT_EQ(formatted, 1);
  EXPECT_EQ(g_lines.size(), 1u);
}

TEST_F(LogTest, ParseLevel) {
  EXPECT_EQ(parse_level("debug"), Level::debug);
  EXPECT_EQ(parse_level("INFO"), Level::info);
  EXPECT_EQ(parse_level("warn"), Level::warn);
  EXPECT_EQ(parse_level("Warning"), Level::warn);
  EXPECT_EQ(parse_level("error"), Level::error);
  EXPECT_EQ(parse_level("bogus"), Level::info);
  EXPECT_EQ(parse_level("bogus", Level::error), Level::error);
  EXPECT_FALSE(try_parse_level("bogus"));
  EXPECT_EQ(level_name(Level::warn), "warn");
}

TEST_F(LogTest, EscapesServiceAndKeepsUtf8) {
  set_service("we\"ird");
  info("caf\xC3\xA9 \x01");
  const auto v = only_line();
  EXPECT_EQ(v.get("service").as_string(), "we\"ird");
  EXPECT_EQ(v.get("msg").as_string(), "caf\xC3\xA9 \x01");
}

TEST_F(LogTest, LinesFromManyThreadsStayWhole) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 500; ++i)
        info_with({{"thread", t}}, "message {} {}", i, std::string(50, 'x'));
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(g_lines.size(), 2000u);
  for (const auto& line : g_lines) {
    ASSERT_TRUE(wire::json::parse(line).ok()) << line;
  }
}

TEST(LogDefaultSink, WritesToStderr) {
  set_service("kit");
  ::testing::internal::CaptureStderr();
  info("to stderr");
  const std::string out = ::testing::internal::GetCapturedStderr();
  set_service("");
  EXPECT_NE(out.find(R"("service":"kit","msg":"to stderr"})"), std::string::npos) << out;
}

}  // namespace
}  // namespace core::log
