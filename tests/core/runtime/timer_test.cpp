#include "core/runtime/timer.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"

namespace {

using namespace std::chrono_literals;
using core::Task;

Task<int> slow(int ms) {
  co_await core::sleep(core::Duration(ms));
  co_return ms;
}

Task<int> timed(int work_ms, int limit_ms) {
  co_return co_await core::with_timeout(slow(work_ms), core::Duration(limit_ms));
}

TEST(Timer, SleepWaits) {
  auto t0 = std::chrono::steady_clock::now();
  core::run_sync(slow(20));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 19ms);
}

TEST(Timeout, FinishesInTime) { EXPECT_EQ(core::run_sync(timed(5, 1000)), 5); }

TEST(Timeout, ThrowsTimeoutErrorWhenLate) {
  EXPECT_THROW(core::run_sync(timed(10'000, 20)), core::TimeoutError);
}

// The inner task unwinds when cancelled: its cleanup runs before the awaiter sees the error.
Task<void> guarded(bool* cleaned) {
  struct Cleanup {
    bool* flag;
    ~Cleanup() { *flag = true; }
  } cleanup{cleaned};
  co_await core::sleep(core::Duration(10'000));
}

Task<bool> timeout_unwinds() {
  bool cleaned = false;
  try {
    co_await core::with_timeout(guarded(&cleaned), core::Duration(10));
  } catch (const core::TimeoutError&) {
  }
  co_return cleaned;
}

TEST(Timeout, CancelsAndUnwindsInnerTask) { EXPECT_TRUE(core::run_sync(timeout_unwinds())); }

Task<int> nested_timeouts() {
  // The inner, shorter deadline fires first and is caught inside; the outer one is not hit.
  int caught = 0;
  try {
    co_await core::with_timeout(timed(10'000, 10), core::Duration(1000));
  } catch (const core::TimeoutError&) {
    caught = 1;
  }
  co_return caught;
}

TEST(Timeout, Nested) { EXPECT_EQ(core::run_sync(nested_timeouts()), 1); }

Task<void> wait_cancelled(core::CancelToken* token, bool* got_cancelled) {
  try {
    co_await core::sleep(core::Duration(10'000));
  } catch (const core::Cancelled&) {
    *got_cancelled = true;
  }
  (void)token;
}

Task<void> cancel_after(core::CancelToken* token, int ms) {
  co_await core::sleep(core::Duration(ms));
  token->cancel();
}

Task<bool> explicit_cancel() {
  core::CancelToken token;
  bool got = false;
  core::spawn(wait_cancelled(&token, &got), &token);
  co_await cancel_after(&token, 10);
  co_await core::yield();
  co_await core::yield();
  co_return got;
}

TEST(Cancel, TokenCancelsSleepingTask) { EXPECT_TRUE(core::run_sync(explicit_cancel())); }

TEST(Cancel, ChildTokenFollowsParent) {
  core::CancelToken parent;
  core::CancelToken child(&parent);
  EXPECT_FALSE(child.cancelled());
  parent.cancel();
  EXPECT_TRUE(child.cancelled());
}

TEST(Cancel, ChildCancelDoesNotReachParent) {
  core::CancelToken parent;
  core::CancelToken child(&parent);
  child.cancel();
  EXPECT_FALSE(parent.cancelled());
}

Task<bool> already_cancelled() {
  core::CancelToken token;
  token.cancel();
  bool got = false;
  core::spawn(wait_cancelled(&token, &got), &token);
  co_await core::yield();
  co_await core::yield();
  co_return got;
}

TEST(Cancel, AlreadyCancelledTokenFailsNextWait) { EXPECT_TRUE(core::run_sync(already_cancelled())); }

}  // namespace
