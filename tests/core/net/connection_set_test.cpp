// ConnectionSet on its own: each member is owned by a coroutine that works for a while, the
// way a server's connection state is owned by its connection coroutine.
#include "core/net/connection_set.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/wait.hpp"
#include "tests/support/coro_test.hpp"

namespace core {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Outcome {
  bool finished = false;  // worked to the end
  bool cut = false;       // ended by its token
  bool detached = false;  // found its set gone at the end
  Clock::time_point ended_at{};
};

Task<void> work(std::unique_ptr<ConnectionSet::Member> member, Duration d, Outcome* out) {
  try {
    co_await sleep(d);
    out->finished = true;
  } catch (const Cancelled&) {
    out->cut = true;
  }
  out->detached = member->detached();
  out->ended_at = Clock::now();
}  // the member leaves the set here

void join(ConnectionSet& set, Duration d, Outcome* out, bool busy = false) {
  auto member = std::make_unique<ConnectionSet::Member>();
  member->busy = busy;
  set.add(*member);
  CancelToken* token = &member->token;
  spawn(work(std::move(member), d, out), token, "member");
}

// Waits (bounded) until the set is empty.
Task<void> until_empty(const ConnectionSet* set) {
  auto give_up = Clock::now() + 30s;
  while (set->size() > 0 && Clock::now() < give_up) co_await sleep(5ms);
}

CORO_TEST(ConnectionSet, CountsItsMembersUpToTheCap) {
  ConnectionSet set(3);
  Outcome a, b, c;
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(set.accepting());
  join(set, 20ms, &a);
  join(set, 60ms, &b);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.accepting());
  join(set, 60ms, &c);
  EXPECT_EQ(set.size(), 3u);
  EXPECT_FALSE(set.accepting());  // at the cap
  co_await sleep(40ms);
  EXPECT_TRUE(a.finished);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.accepting());
  co_await until_empty(&set);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(b.finished && c.finished);
}

CORO_TEST(ConnectionSet, DrainCutsIdleMembersAtOnceAndWaitsForBusyOnes) {
  ConnectionSet set(10);
  Outcome idle, busy;
  join(set, 10s, &idle);
  join(set, 150ms, &busy, true);
  // Outcomes, not times: the idle one (10 s of work) is cut, the busy one worked to its end
  // before drain() returned, and the drain ended long before the idle one could have.
  co_await with_timeout(set.drain(), 5s);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(idle.cut);
  EXPECT_FALSE(idle.finished);
  EXPECT_TRUE(busy.finished);
  EXPECT_FALSE(busy.cut);
  EXPECT_TRUE(set.draining());
  EXPECT_FALSE(set.accepting());
}

CORO_TEST(ConnectionSet, DrainOfAnEmptySetEndsAtOnce) {
  ConnectionSet set(10);
  auto started = Clock::now();
  co_await with_timeout(set.drain(), 5s);
  EXPECT_LT(Clock::now() - started, 2s);  // generous: only a drain that waited breaks it
  EXPECT_FALSE(set.accepting());
}

CORO_TEST(ConnectionSet, DrainUnderADeadlineCutsWhatIsLeftWhenItPasses) {
  ConnectionSet set(10);
  Outcome stuck;
  join(set, 10s, &stuck, true);
  auto started = Clock::now();
  bool timed_out = false;
  try {
    co_await with_timeout(set.drain(), 50ms);
  } catch (const TimeoutError&) {
    timed_out = true;
  }
  EXPECT_TRUE(timed_out);
  EXPECT_LT(Clock::now() - started, 5s);  // the stuck member would take 10 s
  co_await until_empty(&set);  // what was left is cut
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(stuck.cut);
  EXPECT_FALSE(stuck.detached);
}

// A server's own drain policy: every member is cut, busy or not.
void cut_everyone(ConnectionSet::Member& m) { m.token.cancel(); }

CORO_TEST(ConnectionSet, DrainAppliesTheGivenStopToEveryMember) {
  ConnectionSet set(10);
  Outcome idle, busy;
  join(set, 10s, &idle);
  join(set, 10s, &busy, true);
  co_await with_timeout(set.drain(&cut_everyone), 5s);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(idle.cut);
  EXPECT_TRUE(busy.cut);
}

CORO_TEST(ConnectionSet, DestroyingTheSetWithLiveMembersIsSafe) {
  auto set = std::make_unique<ConnectionSet>(10);
  Outcome idle, busy;
  join(*set, 10s, &idle);
  join(*set, 10s, &busy, true);
  set.reset();  // the members' coroutines unwind on a later turn, without the set
  // Polled, not slept on: a timer due by the next turn would fire before the deferred unwinds.
  EXPECT_TRUE(co_await test_support::eventually([&] { return idle.cut && busy.cut; }));
  EXPECT_TRUE(idle.cut && idle.detached);
  EXPECT_TRUE(busy.cut && busy.detached);
}

}  // namespace
}  // namespace core
