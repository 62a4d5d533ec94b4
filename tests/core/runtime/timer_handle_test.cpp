#include "core/runtime/timer_handle.hpp"

#include <gtest/gtest.h>

#include "core/runtime/timer.hpp"
#include "tests/support/coro_test.hpp"
#include "tests/support/wait.hpp"

namespace {

using core::Duration;

struct Ticks {
  core::Timer* timer = nullptr;
  int count = 0;
  int stop_after = 0;
};

void tick(void* arg) {
  auto* t = static_cast<Ticks*>(arg);
  if (++t->count == t->stop_after) t->timer->stop();
}

CORO_TEST(TimerHandle, RepeatsUntilStopped) {
  core::Timer timer;
  Ticks ticks{&timer, 0, 3};
  timer.start(Duration(1), Duration(1), &tick, &ticks);
  EXPECT_TRUE(timer.active());
  EXPECT_TRUE(co_await test_support::eventually([&] { return ticks.count == 3; }));
  EXPECT_FALSE(timer.active());
  for (int turn = 0; turn < 5; ++turn) co_await core::sleep(Duration(2));
  EXPECT_EQ(ticks.count, 3);  // stopped: no fourth tick
}

CORO_TEST(TimerHandle, OneShotFiresOnce) {
  core::Timer timer;
  Ticks ticks{&timer};
  timer.start(Duration(1), &tick, &ticks);
  EXPECT_TRUE(co_await test_support::eventually([&] { return ticks.count == 1; }));
  EXPECT_FALSE(timer.active());
  for (int turn = 0; turn < 5; ++turn) co_await core::sleep(Duration(2));
  EXPECT_EQ(ticks.count, 1);
}

CORO_TEST(TimerHandle, UnrefedTimerStillFires) {
  core::Timer timer;
  timer.unref();  // before the handle exists: applies to the one start() makes
  Ticks ticks{&timer};
  timer.start(Duration(1), Duration(1), &tick, &ticks);
  EXPECT_TRUE(co_await test_support::eventually([&] { return ticks.count >= 2; }));
  timer.close();
  EXPECT_FALSE(timer.active());
}

TEST(TimerHandle, InactiveBeforeStart) {
  core::Timer timer;
  EXPECT_FALSE(timer.active());
  timer.stop();   // no handle yet: nothing to do
  timer.close();
}

}  // namespace
