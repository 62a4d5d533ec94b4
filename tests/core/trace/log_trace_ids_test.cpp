// Log lines inside a traced coroutine carry its trace_id and span_id, through awaits on the
// loop, in the tasks it awaits, and never outside it.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/log/log.hpp"
#include "core/log/trace_ids.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"

namespace {

using namespace std::chrono_literals;

std::mutex g_mutex;
std::vector<std::string> g_lines;

void capture(std::string_view line) {
  std::lock_guard lock(g_mutex);
  g_lines.emplace_back(line);
}

core::log::TraceIds ids(std::uint8_t seed) {
  core::log::TraceIds t;
  t.trace_id.fill(seed);
  t.span_id.fill(static_cast<std::uint8_t>(seed + 1));
  t.set = true;
  return t;
}

core::Task<void> child(std::string what) {
  core::log::info("{} before sleep", what);
  co_await core::sleep(5ms);
  core::log::info("{} after sleep", what);
}

core::Task<void> request(std::string what) {
  co_await core::sleep(1ms);
  co_await child(what);
  core::log::info("{} done", what);
}

core::Task<void> two_requests() {
  // Interleaved on one loop: each keeps its own ids across every wait.
  core::Task<void> a = request("a");
  a.set_trace_ids(ids(0xaa));
  core::Task<void> b = request("b");
  b.set_trace_ids(ids(0xbb));
  core::spawn(std::move(a));
  core::spawn(std::move(b));
  co_await core::sleep(100ms);
  core::log::info("outside");
}

TEST(LogTraceIds, EachCoroutineLogsItsOwnIdsAcrossWaits) {
  core::log::set_sink(&capture);
  core::run_sync(two_requests());
  core::log::set_sink(nullptr);
  std::lock_guard lock(g_mutex);
  int a = 0, b = 0;
  for (const std::string& line : g_lines) {
    if (line.find("\"msg\":\"a ") != std::string::npos) {
      ++a;
      EXPECT_NE(
          line.find(
              "\"trace_id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"span_id\":\"abababababababab\""),
          std::string::npos)
          << line;
    } else if (line.find("\"msg\":\"b ") != std::string::npos) {
      ++b;
      EXPECT_NE(
          line.find(
              "\"trace_id\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"span_id\":\"bcbcbcbcbcbcbcbc\""),
          std::string::npos)
          << line;
    } else if (line.find("\"msg\":\"outside\"") != std::string::npos) {
      EXPECT_EQ(line.find("trace_id"), std::string::npos) << line;
    }
  }
  EXPECT_EQ(a, 3);
  EXPECT_EQ(b, 3);
  EXPECT_FALSE(core::log::current_trace_ids().set);  // nothing leaks out of the loop
}

TEST(LogTraceIds, ExplicitTraceIdFieldWins) {
  core::log::set_sink(&capture);
  core::log::set_current_trace_ids(ids(0x11));
  core::log::write(core::log::Level::info, "given", {{"trace_id", "mine"}});
  core::log::set_current_trace_ids({});
  core::log::set_sink(nullptr);
  std::lock_guard lock(g_mutex);
  ASSERT_FALSE(g_lines.empty());
  const std::string& line = g_lines.back();
  EXPECT_NE(line.find("\"trace_id\":\"mine\""), std::string::npos) << line;
  EXPECT_EQ(line.find("11111111"), std::string::npos) << line;
}

}  // namespace
