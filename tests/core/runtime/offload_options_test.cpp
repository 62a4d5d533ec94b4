// ThreadPool::run's options: a deadline for the job's start, and a gate for its result.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/timer.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using core::Task;

Task<std::string> run_with_deadline(core::ThreadPool* pool, Clock::time_point deadline, bool* ran) {
  co_return co_await pool->run(
      [ran] {
        *ran = true;
        return std::string("done");
      },
      core::OffloadOptions{.deadline = deadline});
}

TEST(OffloadOptions, JobStartingAfterItsDeadlineDoesNotRun) {
  core::ThreadPool pool("test", 1, 4);
  bool ran = false;
  EXPECT_THROW(core::run_sync(run_with_deadline(&pool, Clock::now() - 1ms, &ran)), core::TimeoutError);
  EXPECT_FALSE(ran);
}

TEST(OffloadOptions, JobWithinItsDeadlineRuns) {
  core::ThreadPool pool("test", 1, 4);
  bool ran = false;
  EXPECT_EQ(core::run_sync(run_with_deadline(&pool, Clock::now() + 60s, &ran)), "done");
  EXPECT_TRUE(ran);
}

struct GateProbe {
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  bool resumed = false;
  bool cancelled = false;
};

Task<void> gated_call(core::ThreadPool* pool, std::shared_ptr<core::OffloadGate> gate, GateProbe* p) {
  try {
    co_await pool->run(
        [p] {
          while (!p->release) std::this_thread::sleep_for(1ms);
          p->finished = true;
          return 1;
        },
        core::OffloadOptions{.gate = gate});
    p->resumed = true;
  } catch (const core::Cancelled&) {
    p->cancelled = true;
  }
}

Task<void> closed_gate_drops_the_result(core::ThreadPool* pool, GateProbe* p) {
  auto gate = std::make_shared<core::OffloadGate>();
  core::CancelToken token;
  core::spawn(gated_call(pool, gate, p), &token);
  gate->close();
  p->release = true;
  for (int i = 0; i < 2000 && !p->finished; ++i) co_await core::sleep(5ms);
  for (int i = 0; i < 10; ++i) co_await core::sleep(1ms);  // room for a result that would come
  EXPECT_FALSE(p->resumed);
  token.cancel();  // the only way out now
  for (int i = 0; i < 3; ++i) co_await core::yield();
}

TEST(OffloadOptions, ClosedGateDropsTheResult) {
  core::ThreadPool pool("test", 1, 4);
  GateProbe p;
  core::run_sync(closed_gate_drops_the_result(&pool, &p));
  EXPECT_TRUE(p.finished);
  EXPECT_FALSE(p.resumed);
  EXPECT_TRUE(p.cancelled);
}

}  // namespace
