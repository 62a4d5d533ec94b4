#include "core/runtime/task.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace {

using core::Task;

Task<int> answer() { co_return 42; }

Task<int> add(int a, int b) { co_return a + b; }

Task<int> nested() {
  int x = co_await answer();
  int y = co_await add(x, 8);
  co_return y;
}

Task<void> thrower() {
  throw std::runtime_error("boom");
  co_return;
}

Task<std::string> catches() {
  try {
    co_await thrower();
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not caught";
}

Task<std::unique_ptr<int>> move_only() { co_return std::make_unique<int>(7); }

TEST(Task, ReturnsValue) { EXPECT_EQ(core::run_sync(answer()), 42); }

TEST(Task, NestedAwaits) { EXPECT_EQ(core::run_sync(nested()), 50); }

TEST(Task, ExceptionPropagatesToAwaiter) { EXPECT_EQ(core::run_sync(catches()), "caught boom"); }

TEST(Task, ExceptionPropagatesOutOfRunSync) {
  EXPECT_THROW(core::run_sync(thrower()), std::runtime_error);
}

TEST(Task, MoveOnlyResult) { EXPECT_EQ(*core::run_sync(move_only()), 7); }

TEST(Task, IsLazy) {
  bool started = false;
  auto make = [](bool* flag) -> Task<void> {
    *flag = true;
    co_return;
  };
  {
    Task<void> t = make(&started);
    EXPECT_FALSE(started);
  }  // destroyed without running
  EXPECT_FALSE(started);
  core::run_sync(make(&started));
  EXPECT_TRUE(started);
}

Task<int> ready_loop(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await add(i & 1, 0);
  co_return sum;
}

// Symmetric transfer must turn each immediately-ready await into a tail call: without it this
// overflows the stack (g++ at -O0 or under ASan), which is why clang is the default compiler.
TEST(Task, TenMillionImmediatelyReadyAwaits) {
  EXPECT_EQ(core::run_sync(ready_loop(10'000'000)), 5'000'000);
}

Task<void> record(std::vector<int>* log, int v, int delay_ms) {
  co_await core::sleep(core::Duration(delay_ms));
  log->push_back(v);
}

Task<void> spawn_three(std::vector<int>* log) {
  core::spawn(record(log, 3, 30));
  core::spawn(record(log, 1, 10));
  core::spawn(record(log, 2, 20));
  co_await core::sleep(core::Duration(60));
}

TEST(Spawn, DetachedTasksRunConcurrently) {
  std::vector<int> log;
  core::run_sync(spawn_three(&log));
  EXPECT_EQ(log, (std::vector<int>{1, 2, 3}));
}

Task<void> fails_later() {
  co_await core::sleep(core::Duration(1));
  throw std::runtime_error("detached failure");
}

Task<int> survive_detached_failure() {
  core::spawn(fails_later(), nullptr, "failing task");
  co_await core::sleep(core::Duration(20));
  co_return 1;
}

TEST(Spawn, EscapingExceptionIsLoggedNotFatal) {
  EXPECT_EQ(core::run_sync(survive_detached_failure()), 1);
}

}  // namespace
