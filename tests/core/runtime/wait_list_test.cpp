#include "core/runtime/wait_list.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace {

using namespace std::chrono_literals;
using core::Task;

struct Log {
  std::vector<std::string> events;
};

Task<void> waiter(core::WaitList* list, Log* log, std::string name, core::Duration timeout) {
  try {
    co_await list->wait(timeout);
    log->events.push_back(name);
  } catch (const core::Cancelled&) {
    log->events.push_back(name + ":cancelled");
  } catch (const core::TimeoutError&) {
    log->events.push_back(name + ":timeout");
  } catch (const core::WaitListGone&) {
    log->events.push_back(name + ":gone");
  }
}

Task<void> stubborn(core::WaitList* list, Log* log, std::string name) {
  co_await list->wait_uncancellable();
  log->events.push_back(name);
}

// Lets every deferred resume run.
Task<void> settle() {
  for (int i = 0; i < 3; ++i) co_await core::yield();
}

Task<void> notify_one_in_order(Log* log) {
  core::WaitList list;
  for (const char* name : {"a", "b", "c"}) core::spawn(waiter(&list, log, name, 0ms));
  list.notify_one();
  EXPECT_TRUE(log->events.empty());  // never inside the notifier's call
  co_await settle();
  list.notify_one();
  list.notify_one();
  co_await settle();
  EXPECT_TRUE(list.empty());
}

TEST(WaitList, NotifyOneWakesTheLongestWaiting) {
  Log log;
  core::run_sync(notify_one_in_order(&log));
  EXPECT_EQ(log.events, (std::vector<std::string>{"a", "b", "c"}));
}

Task<void> notify_all_wakes_everyone(Log* log) {
  core::WaitList list;
  for (const char* name : {"a", "b"}) core::spawn(waiter(&list, log, name, 0ms));
  list.notify_all();
  EXPECT_TRUE(list.empty());
  EXPECT_TRUE(log->events.empty());
  co_await settle();
  list.notify_all();  // nobody waits: a no-op
}

TEST(WaitList, NotifyAllWakesEveryWaiterOnTheNextTurn) {
  Log log;
  core::run_sync(notify_all_wakes_everyone(&log));
  EXPECT_EQ(log.events, (std::vector<std::string>{"a", "b"}));
}

Task<void> cancel_leaves_the_list(Log* log) {
  core::WaitList list;
  core::CancelToken token;
  core::spawn(waiter(&list, log, "a", 0ms), &token);
  core::spawn(waiter(&list, log, "b", 0ms));
  token.cancel();
  EXPECT_TRUE(log->events.empty());  // resumed on the next turn, not inside cancel()
  co_await settle();
  list.notify_one();  // goes to b: a left the list
  co_await settle();
}

TEST(WaitList, CancelledWaiterLeavesTheList) {
  Log log;
  core::run_sync(cancel_leaves_the_list(&log));
  EXPECT_EQ(log.events, (std::vector<std::string>{"a:cancelled", "b"}));
}

Task<void> cancel_before_waiting(Log* log) {
  core::WaitList list;
  core::CancelToken token;
  token.cancel();
  core::spawn(waiter(&list, log, "a", 0ms), &token);
  EXPECT_TRUE(list.empty());
  co_return;
}

TEST(WaitList, CancelledChainDoesNotWait) {
  Log log;
  core::run_sync(cancel_before_waiting(&log));
  EXPECT_EQ(log.events, (std::vector<std::string>{"a:cancelled"}));
}

Task<void> uncancellable(Log* log) {
  core::WaitList list;
  core::CancelToken token;
  core::spawn(stubborn(&list, log, "a"), &token);
  token.cancel();
  co_await settle();
  EXPECT_TRUE(log->events.empty());
  list.notify_all();
  co_await settle();
}

TEST(WaitList, UncancellableWaitIgnoresCancellation) {
  Log log;
  core::run_sync(uncancellable(&log));
  EXPECT_EQ(log.events, (std::vector<std::string>{"a"}));
}

Task<void> times_out(Log* log) {
  core::WaitList list;
  core::spawn(waiter(&list, log, "a", 10ms));
  core::spawn(waiter(&list, log, "b", 0ms));
  // Polls with a deadline far above the timeout: a loaded machine only makes it slower.
  for (int i = 0; i < 1000 && log->events.empty(); ++i) co_await core::sleep(5ms);
  list.notify_all();
  co_await settle();
}

TEST(WaitList, TimeoutEndsTheWait) {
  Log log;
  core::run_sync(times_out(&log));
  EXPECT_EQ(log.events, (std::vector<std::string>{"a:timeout", "b"}));
}

Task<void> destroyed_with_waiters(Log* log) {
  auto list = std::make_unique<core::WaitList>();
  core::spawn(waiter(list.get(), log, "a", 0ms));
  core::spawn(waiter(list.get(), log, "b", 50ms));
  list.reset();
  EXPECT_TRUE(log->events.empty());
  co_await settle();
  co_await core::sleep(100ms);  // b's timer went with the list: no late timeout
}

TEST(WaitList, DestructionFailsTheWaiters) {
  Log log;
  core::run_sync(destroyed_with_waiters(&log));
  EXPECT_EQ(log.events, (std::vector<std::string>{"a:gone", "b:gone"}));
}

}  // namespace
