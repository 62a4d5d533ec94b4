#include "core/runtime/capture.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace {

using core::Task;

Task<int> answer(int v) { co_return v; }

Task<int> fails() {
  throw std::runtime_error("store down");
  co_return 0;
}

Task<void> sleeps() { co_await core::sleep(core::Duration(10'000)); }

TEST(Capture, AValueIsKept) {
  auto got = core::run_sync([]() -> Task<core::Captured<int>> { co_return co_await core::capture(answer(42)); }());
  ASSERT_TRUE(got.value.has_value());
  EXPECT_EQ(*got.value, 42);
  EXPECT_FALSE(got.error);
}

TEST(Capture, AnExceptionBecomesTheError) {
  auto got = core::run_sync([]() -> Task<core::Captured<int>> { co_return co_await core::capture(fails()); }());
  EXPECT_FALSE(got.value.has_value());
  ASSERT_TRUE(got.error);
  try {
    std::rethrow_exception(got.error);
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "store down");
  }
}

// A cancelled chain is not an answer to give: Cancelled goes on up to the awaiter.
TEST(Capture, ACancellationIsNotCaptured) {
  bool cancelled = false, captured = false;
  core::run_sync([](bool* cancelled, bool* captured) -> Task<void> {
    core::CancelToken token;
    bool done = false;
    core::spawn([](bool* cancelled, bool* captured, bool* done) -> Task<void> {
      try {
        (void)co_await core::capture(sleeps());
        *captured = true;
      } catch (const core::Cancelled&) {
        *cancelled = true;
      }
      *done = true;
    }(cancelled, captured, &done), &token);
    co_await core::yield();
    token.cancel();
    for (int i = 0; i < 1000 && !done; ++i) co_await core::sleep(core::Duration(1));
  }(&cancelled, &captured));
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(captured);
}

}  // namespace
