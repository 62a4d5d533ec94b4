#include "core/runtime/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/metrics/registry.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using core::Task;

Task<bool> resumes_on_own_thread(core::ThreadPool* pool) {
  auto loop_thread = std::this_thread::get_id();
  auto worker_thread = co_await pool->run([] { return std::this_thread::get_id(); });
  co_return worker_thread != loop_thread && std::this_thread::get_id() == loop_thread;
}

TEST(ThreadPool, RunsOffLoopAndResumesOnLoop) {
  core::ThreadPool pool("test", 2, 16);
  EXPECT_TRUE(core::run_sync(resumes_on_own_thread(&pool)));
}

Task<int> sum_many(core::ThreadPool* pool, int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) total += co_await pool->run([i] { return i; });
  co_return total;
}

TEST(ThreadPool, ManyResults) {
  core::ThreadPool pool("test", 2, 16);
  EXPECT_EQ(core::run_sync(sum_many(&pool, 1000)), 999 * 1000 / 2);
}

Task<void> throws_in_pool(core::ThreadPool* pool) {
  co_await pool->run([]() -> int { throw std::runtime_error("blocking call failed"); });
}

TEST(ThreadPool, ExceptionReachesAwaiter) {
  core::ThreadPool pool("test", 1, 4);
  EXPECT_THROW(core::run_sync(throws_in_pool(&pool)), std::runtime_error);
}

// A job that holds a pool thread until the test lets it go. Every wait is bounded (a broken
// pool fails the test instead of hanging it), and nothing depends on which thread runs first:
// the test waits for `started` before relying on the thread being busy.
struct HeldJob {
  test_support::Gate started;
  test_support::Gate release;
  std::atomic<bool> finished{false};
  auto fn() {
    return [this] {
      started.open();
      release.wait_for();
      finished = true;
    };
  }
};

Task<void> hold(core::ThreadPool* pool, HeldJob* job, int* done) {
  co_await pool->run(job->fn());
  ++*done;
}

Task<bool> started(HeldJob* job) {
  co_return co_await test_support::eventually([job] { return job->started.is_open(); });
}

Task<int> overflow(core::ThreadPool* pool) {
  HeldJob job;
  int done = 0;
  // One thread busy and a queue of two: the fourth submission is refused at once.
  core::spawn(hold(pool, &job, &done));
  EXPECT_TRUE(co_await started(&job)) << "the pool never started the first job";
  for (int i = 0; i < 2; ++i) core::spawn(hold(pool, &job, &done));
  int refused = 0;
  try {
    co_await pool->run([] { return 1; });
  } catch (const core::PoolFull&) {
    refused = 1;
  }
  job.release.open();
  EXPECT_TRUE(co_await test_support::eventually([&] { return done == 3; })) << done << " of 3 jobs ended";
  co_return refused;
}

TEST(ThreadPool, FullQueueRefusesAtOnce) {
  core::ThreadPool pool("bounded", 1, 2);
  EXPECT_EQ(core::run_sync(overflow(&pool)), 1);
}

Task<void> give_up_waiting(core::ThreadPool* pool, HeldJob* job, int* done) {
  try {
    co_await core::with_timeout(hold(pool, job, done), core::Duration(5));
  } catch (const core::TimeoutError&) {
  }
}

// Runs on the loop's next turn: after the caller's submission, which happens before it suspends.
Task<void> release_next_turn(HeldJob* job) {
  co_await core::yield();
  job->release.open();
}

Task<int> abandoned_jobs_make_room(core::ThreadPool* pool) {
  HeldJob job, queued;
  int done = 0;
  core::spawn(hold(pool, &job, &done));
  EXPECT_TRUE(co_await started(&job)) << "the pool never started the first job";
  // Two queued jobs whose callers stop waiting (the only thread is held, so neither can start):
  // the queue is full of nobody's work.
  core::spawn(give_up_waiting(pool, &queued, &done));
  core::spawn(give_up_waiting(pool, &queued, &done));
  EXPECT_TRUE(co_await test_support::eventually([pool] { return pool->queued() == 0; }))
      << "queued() counts only jobs someone waits for";
  int answer = 0;
  core::spawn(release_next_turn(&job));
  try {
    answer = co_await pool->run([] { return 7; });
  } catch (const core::PoolFull&) {
    answer = -1;
  }
  EXPECT_TRUE(co_await test_support::eventually([&] { return done == 1; }));
  EXPECT_FALSE(queued.started.is_open());  // the abandoned jobs were dropped, never run
  co_return answer;
}

TEST(ThreadPool, AbandonedJobsGiveTheirPlacesInAFullQueue) {
  core::ThreadPool pool("bounded", 1, 2);
  EXPECT_EQ(core::run_sync(abandoned_jobs_make_room(&pool)), 7);
}

// A job abandoned before it starts is never run (so it never posts): it is queued behind a job
// that holds the only thread until the caller has given up.
Task<bool> abandon_queued(core::ThreadPool* pool, std::atomic<bool>* victim_ran) {
  HeldJob job;
  int done = 0;
  core::spawn(hold(pool, &job, &done));
  EXPECT_TRUE(co_await started(&job)) << "the pool never started the first job";
  bool timed_out = false;
  try {
    co_await core::with_timeout(
        [](core::ThreadPool* p, std::atomic<bool>* ran) -> Task<void> {
          co_await p->run([ran] { *ran = true; });
        }(pool, victim_ran),
        core::Duration(1));
  } catch (const core::TimeoutError&) {
    timed_out = true;
  }
  EXPECT_EQ(pool->queued(), 0u);
  job.release.open();
  co_await pool->run([] {});  // one thread, first in first out: the abandoned job had its turn
  EXPECT_TRUE(co_await test_support::eventually([&] { return done == 1; }));
  co_return timed_out;
}

TEST(ThreadPool, JobAbandonedBeforeItStartsIsNeverRun) {
  core::ThreadPool pool("test", 1, 4);
  std::atomic<bool> victim_ran{false};
  EXPECT_TRUE(core::run_sync(abandon_queued(&pool, &victim_ran)));
  EXPECT_FALSE(victim_ran.load());
}

Task<void> await_held(core::ThreadPool* pool, HeldJob* job, int* cancelled) {
  try {
    co_await pool->run(job->fn());
  } catch (const core::Cancelled&) {
    ++*cancelled;
  }
}

// Cancels a caller once its job runs on the pool thread; returns when the caller has resumed.
Task<void> abandon_running(core::ThreadPool* pool, HeldJob* job, int* cancelled) {
  core::CancelToken token;
  core::spawn(await_held(pool, job, cancelled), &token);
  EXPECT_TRUE(co_await started(job)) << "the pool never started the job";
  token.cancel();
  EXPECT_TRUE(co_await test_support::eventually([&] { return *cancelled > 0; }))
      << "the caller did not resume when cancelled";
}

// One abandoned while running: the caller resumes at once with Cancelled, the job runs to its
// end, and its result is dropped (the caller is resumed exactly once).
Task<void> abandon_running_and_wait(core::ThreadPool* pool, HeldJob* job, int* cancelled) {
  co_await abandon_running(pool, job, cancelled);
  EXPECT_FALSE(job->finished.load());  // the caller did not wait for it
  job->release.open();
  co_await pool->run([] {});  // the abandoned job ended before this one started
  EXPECT_TRUE(job->finished.load());
  co_await core::yield();
  co_await core::yield();
}

TEST(ThreadPool, JobAbandonedWhileRunningEndsAndItsResultIsDropped) {
  HeldJob job;
  int cancelled = 0;
  core::ThreadPool pool("test", 1, 4);
  core::run_sync(abandon_running_and_wait(&pool, &job, &cancelled));
  EXPECT_EQ(cancelled, 1);
}

// The same, but the caller's loop is destroyed before the job ends: the job must not post into
// it, nor into the next loop on this thread (which may well sit at the same address).
TEST(ThreadPool, AbandonedJobFinishingAfterItsLoopIsGoneIsHarmless) {
  HeldJob job;  // outlives the pool, whose destructor waits for the job
  int cancelled = 0;
  {
    core::ThreadPool pool("test", 1, 4);
    core::run_sync(abandon_running(&pool, &job, &cancelled));  // its loop is gone on return
    EXPECT_EQ(cancelled, 1);
    EXPECT_FALSE(job.finished.load());
    job.release.open();
    // A new loop on this thread while the abandoned job ends ahead of this one.
    EXPECT_EQ(core::run_sync([](core::ThreadPool* p) -> Task<int> { co_return co_await p->run([] { return 5; }); }(&pool)), 5);
    EXPECT_TRUE(job.finished.load());
  }
  EXPECT_EQ(cancelled, 1);
}

TEST(ThreadPool, ReportsThreadsWaitsAndRejections) {
  auto& r = core::metrics::registry();
  core::metrics::Labels pool{{"pool", "tpmetrics"}};
  {
    std::atomic<bool> release{false};  // outlives the pool, whose thread reads it
    core::ThreadPool p("tpmetrics", 1, 1);
    EXPECT_EQ(r.gauge("thread_pool_threads", "", pool).value(), 1);
    EXPECT_TRUE(core::run_sync(resumes_on_own_thread(&p)));
    const std::vector<double> buckets{0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    EXPECT_EQ(r.histogram("thread_pool_wait_seconds", "", pool, buckets).count(), 1u);
    // One job holds the thread, one fills the queue, the third is refused.
    auto hold = std::make_shared<std::atomic<bool>>(false);
    p.submit([&release] { while (!release) std::this_thread::sleep_for(1ms); }, hold);
    ASSERT_TRUE(test_support::wait_until([&] { return r.gauge("thread_pool_busy", "", pool).value() == 1; }));
    p.submit([] {}, std::make_shared<std::atomic<bool>>(false));
    EXPECT_EQ(r.gauge("thread_pool_queued", "", pool).value(), 1);
    EXPECT_THROW(p.submit([] {}, std::make_shared<std::atomic<bool>>(false)), core::PoolFull);
    EXPECT_EQ(r.counter("thread_pool_rejected_total", "", pool).value(), 1u);
    release = true;
  }
  EXPECT_EQ(r.gauge("thread_pool_threads", "", pool).value(), 0);
  EXPECT_EQ(r.gauge("thread_pool_queued", "", pool).value(), 0);
  EXPECT_EQ(r.gauge("thread_pool_busy", "", pool).value(), 0);
}

}  // namespace
