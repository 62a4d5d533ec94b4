#include "core/runtime/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

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

Task<void> block(core::ThreadPool* pool, std::atomic<bool>* release) {
  co_await pool->run([release] {
    while (!release->load()) std::this_thread::sleep_for(1ms);
  });
}

Task<int> overflow(core::ThreadPool* pool) {
  std::atomic<bool> release{false};
  // One thread busy and a queue of two: the fourth submission is refused at once.
  core::spawn(block(pool, &release));
  while (pool->queued() != 0) co_await core::sleep(core::Duration(1));  // the thread took it
  for (int i = 0; i < 2; ++i) core::spawn(block(pool, &release));
  int refused = 0;
  try {
    co_await pool->run([] { return 1; });
  } catch (const core::PoolFull&) {
    refused = 1;
  }
  release = true;
  co_await core::sleep(core::Duration(50));
  co_return refused;
}

TEST(ThreadPool, FullQueueRefusesAtOnce) {
  core::ThreadPool pool("bounded", 1, 2);
  EXPECT_EQ(core::run_sync(overflow(&pool)), 1);
}

Task<void> give_up_waiting(core::ThreadPool* pool, std::atomic<bool>* release) {
  try {
    co_await core::with_timeout(block(pool, release), core::Duration(5));
  } catch (const core::TimeoutError&) {
  }
}

Task<void> release_later(std::atomic<bool>* release) {
  co_await core::sleep(core::Duration(50));
  release->store(true);
}

Task<int> abandoned_jobs_make_room(core::ThreadPool* pool) {
  std::atomic<bool> release{false};
  core::spawn(block(pool, &release));
  while (pool->queued() != 0) co_await core::sleep(core::Duration(1));  // the thread took it
  // Two queued jobs whose callers stop waiting: the queue is full of nobody's work.
  core::spawn(give_up_waiting(pool, &release));
  core::spawn(give_up_waiting(pool, &release));
  co_await core::sleep(core::Duration(50));
  EXPECT_EQ(pool->queued(), 0u);  // queued() counts only jobs someone waits for
  int answer = 0;
  core::spawn(release_later(&release));
  try {
    answer = co_await pool->run([] { return 7; });
  } catch (const core::PoolFull&) {
    answer = -1;
  }
  release = true;
  co_await core::sleep(core::Duration(20));
  co_return answer;
}

TEST(ThreadPool, AbandonedJobsGiveTheirPlacesInAFullQueue) {
  core::ThreadPool pool("bounded", 1, 2);
  EXPECT_EQ(core::run_sync(abandoned_jobs_make_room(&pool)), 7);
}

Task<int> abandon(core::ThreadPool* pool, std::atomic<int>* finished) {
  int outcome = 0;
  try {
    co_await core::with_timeout(
        [](core::ThreadPool* p, std::atomic<int>* f) -> Task<void> {
          co_await p->run([f] {
            std::this_thread::sleep_for(100ms);
            f->fetch_add(1);
          });
        }(pool, finished),
        core::Duration(10));
  } catch (const core::TimeoutError&) {
    outcome = 1;
  }
  co_await core::sleep(core::Duration(200));  // the started job still runs to its end
  co_return outcome;
}

TEST(ThreadPool, TimeoutAbandonsResultButJobCompletes) {
  core::ThreadPool pool("test", 1, 4);
  std::atomic<int> finished{0};
  EXPECT_EQ(core::run_sync(abandon(&pool, &finished)), 1);
  EXPECT_EQ(finished.load(), 1);
}

}  // namespace

namespace {

core::Task<void> slow_job(core::ThreadPool* pool, std::atomic<bool>* done) {
  co_await pool->run([done] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    done->store(true);
  });
}

core::Task<void> give_up_early(core::ThreadPool* pool, std::atomic<bool>* done) {
  co_await core::with_timeout(slow_job(pool, done), core::Duration(10));
}

// The caller's loop is destroyed before the job ends: the job must not post into it.
TEST(ThreadPool, AbandonedJobFinishingAfterItsLoopIsGoneIsHarmless) {
  core::ThreadPool pool("test", 1, 4);
  std::atomic<bool> done{false};
  EXPECT_THROW(core::run_sync(give_up_early(&pool, &done)), core::TimeoutError);
  while (!done.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace
