#include "core/runtime/callback_awaiter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace {

using core::Resume;
using core::Task;

// An operation the test finishes by hand: start() records itself, stop() records the cancel.
struct Manual final : core::CallbackAwaiter<std::string> {
  int starts = 0;
  int stops = 0;
  bool throw_on_start = false;
  bool finish_in_start = false;

  void succeed(Resume how, std::string v) { complete(how, std::move(v)); }
  void error(Resume how) { fail(how, std::make_exception_ptr(std::logic_error("failed"))); }

 private:
  void start() override {
    ++starts;
    if (throw_on_start) throw std::logic_error("refused");
    if (finish_in_start) complete(Resume::now, "at once");
  }
  void stop() override { ++stops; }
};

struct Probe {
  Manual op;
  bool resumed = false;
  std::string value;
  std::string error;
};

Task<void> await_op(Probe* p) {
  try {
    p->value = co_await p->op;
  } catch (const core::Cancelled&) {
    p->error = "cancelled";
  } catch (const std::exception& e) {
    p->error = e.what();
  }
  p->resumed = true;
}

// Runs body on a fresh loop; body gets the probe and the token its waiter observes.
template <class Body>
void with_waiter(Probe* p, core::CancelToken* token, Body body) {
  core::run_sync([](Probe* p, core::CancelToken* token, Body body) -> Task<void> {
    core::spawn(await_op(p), token, "probe");
    co_await body(p, token);
  }(p, token, body));
}

TEST(CallbackAwaiter, ValueResumesTheCoroutine) {
  Probe p;
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe* p, core::CancelToken*) -> Task<void> {
    EXPECT_EQ(p->op.starts, 1);
    p->op.succeed(Resume::next_turn, "hello");
    EXPECT_FALSE(p->resumed);  // next turn, not inside this call
    co_await core::yield();
    EXPECT_TRUE(p->resumed);
  });
  EXPECT_EQ(p.value, "hello");
  EXPECT_EQ(p.op.stops, 0);
}

TEST(CallbackAwaiter, ResumeNowRunsTheCoroutineInline) {
  Probe p;
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe* p, core::CancelToken*) -> Task<void> {
    p->op.succeed(Resume::now, "inline");
    EXPECT_TRUE(p->resumed);
    co_return;
  });
  EXPECT_EQ(p.value, "inline");
}

TEST(CallbackAwaiter, ExceptionReachesTheCoroutine) {
  Probe p;
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe* p, core::CancelToken*) -> Task<void> {
    p->op.error(Resume::next_turn);
    co_await core::yield();
  });
  EXPECT_EQ(p.error, "failed");
}

TEST(CallbackAwaiter, CancelBeforeSuspendNeverStarts) {
  Probe p;
  core::CancelToken token;
  token.cancel();
  with_waiter(&p, &token, [](Probe*, core::CancelToken*) -> Task<void> { co_return; });
  EXPECT_EQ(p.error, "cancelled");
  EXPECT_EQ(p.op.starts, 0);
  EXPECT_EQ(p.op.stops, 0);
}

TEST(CallbackAwaiter, CancelAfterSuspendStopsAndNeverResumesInline) {
  Probe p;
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe* p, core::CancelToken* token) -> Task<void> {
    token->cancel();
    EXPECT_EQ(p->op.stops, 1);
    EXPECT_FALSE(p->resumed);  // a cancellation resumes on the next turn only
    co_await core::yield();
    EXPECT_TRUE(p->resumed);
    p->op.succeed(Resume::now, "too late");  // ignored: the outcome is in
  });
  EXPECT_EQ(p.error, "cancelled");
  EXPECT_EQ(p.value, "");
}

TEST(CallbackAwaiter, CompletionThenCancelKeepsTheValue) {
  Probe p;
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe* p, core::CancelToken* token) -> Task<void> {
    p->op.succeed(Resume::next_turn, "first");
    token->cancel();  // the subscription went with the outcome
    co_await core::yield();
  });
  EXPECT_EQ(p.value, "first");
  EXPECT_EQ(p.op.stops, 0);
}

TEST(CallbackAwaiter, OutcomeBeforeAwaitIsKept) {
  Probe p;
  p.op.succeed(Resume::next_turn, "early");
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe*, core::CancelToken*) -> Task<void> { co_return; });
  EXPECT_EQ(p.value, "early");
  EXPECT_EQ(p.op.starts, 0);
}

TEST(CallbackAwaiter, FinishingInsideStartDoesNotSuspend) {
  Probe p;
  p.op.finish_in_start = true;
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe* p, core::CancelToken*) -> Task<void> {
    EXPECT_TRUE(p->resumed);
    co_return;
  });
  EXPECT_EQ(p.value, "at once");
}

TEST(CallbackAwaiter, ThrowingStartReachesTheCoroutine) {
  Probe p;
  p.op.throw_on_start = true;
  core::CancelToken token;
  with_waiter(&p, &token, [](Probe* p, core::CancelToken* token) -> Task<void> {
    EXPECT_TRUE(p->resumed);
    token->cancel();  // no subscription was left behind
    co_return;
  });
  EXPECT_EQ(p.error, "refused");
  EXPECT_EQ(p.op.stops, 0);
}

}  // namespace
