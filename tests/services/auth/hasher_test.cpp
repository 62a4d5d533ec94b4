// The shared hash pool as the handler meets it: full -> 503 at once, a queued job that can no
// longer be useful is dropped, and results that come back after a worker's loop is gone are
// dropped instead of posted to freed memory.
#include "services/auth/hasher.hpp"

#include <atomic>
#include <future>
#include <thread>

#include "tests/services/auth/auth_test_support.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace authtest;
using namespace std::chrono_literals;

// Occupies the pool's one thread and its one queue slot until released.
struct BlockedPool {
  std::shared_ptr<auth::HashPool> pool = std::make_shared<auth::HashPool>(1, 1);
  std::promise<void> release;
  BlockedPool() {
    std::shared_future<void> released = release.get_future().share();
    auto started = std::make_shared<std::atomic<bool>>(false);
    pool->threads().submit([released, started] { *started = true; released.wait(); },
                           std::make_shared<std::atomic<bool>>(false));
    EXPECT_TRUE(test_support::wait_until([&] { return started->load(); })) << "the pool never started the blocker";
    pool->threads().submit([] {}, std::make_shared<std::atomic<bool>>(false));
  }
  ~BlockedPool() { release.set_value(); }
};

TEST_F(LoginFixture, FullHashPoolAnswers503WithRetryAfterWithoutAskingTheDatabase) {
  BlockedPool blocked;
  auth::PooledHasher pooled(blocked.pool);
  EXPECT_TRUE(pooled.saturated());
  auto r = core::run_sync(call(service(pooled), R"({"email":"alice@example.com","password":"alice's password"})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(parse(r).get("message").as_string(), "authentication busy, retry later");
  ASSERT_NE(header(r, "Retry-After"), nullptr);
  EXPECT_EQ(*header(r, "Retry-After"), "1");
  EXPECT_EQ(store.lookups, 0);
}

// Saturated between the check and the submit (another worker took the last slot): still 503.
class RacingHasher final : public auth::Hasher {
 public:
  explicit RacingHasher(auth::PooledHasher& inner) : inner_(inner) {}
  Task<bool> verify(std::string p, std::string h, auth::Clock::time_point d) override { return inner_.verify(p, h, d); }
  Task<std::string> hash(std::string p, auth::Clock::time_point d) override { return inner_.hash(p, d); }

 private:
  auth::PooledHasher& inner_;
};

TEST_F(LoginFixture, PoolFilledAfterTheCheckStillAnswers503) {
  BlockedPool blocked;
  auth::PooledHasher pooled(blocked.pool);
  RacingHasher racing(pooled);  // saturated() says false
  auto r = core::run_sync(call(service(racing), R"({"email":"alice@example.com","password":"alice's password"})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(store.lookups, 1);
}

TEST_F(LoginFixture, HashThatCannotMeetItsDeadlineIsNotStarted) {
  auto pool = std::make_shared<auth::HashPool>(1, 4);
  pool->record_cost(std::chrono::minutes(10));  // a job "typically" takes 10 min
  auth::PooledHasher pooled(pool);
  auto t0 = std::chrono::steady_clock::now();
  auto r = core::run_sync(call(service(pooled, 60s), R"({"email":"alice@example.com","password":"alice's password"})"));
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(pool->typical_cost(), std::chrono::minutes(10));  // no job ran
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);      // at once, not after the 60 s deadline
}

Task<bool> verify_by(auth::PooledHasher* h, auth::Clock::time_point deadline) {
  co_return co_await h->verify("alice's password", alice_hash(), deadline);
}

TEST_F(LoginFixture, QueuedHashWhoseDeadlineCameTooNearIsDropped) {
  auto pool = std::make_shared<auth::HashPool>(1, 2);
  pool->record_cost(300ms);
  auth::PooledHasher pooled(pool);
  // Queued behind a blocker released after 400 ms with 500 ms to go: admitted (300 ms expected),
  // but when it starts at most ~100 ms are left, less than a job takes, so it is not run. A late
  // release only leaves it less time: the outcome does not depend on the machine's speed.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto started = std::make_shared<std::atomic<bool>>(false);
  pool->threads().submit([released, started] { *started = true; released.wait(); },
                         std::make_shared<std::atomic<bool>>(false));
  ASSERT_TRUE(test_support::wait_until([&] { return started->load(); })) << "the pool never started the blocker";
  std::thread releaser([&] { std::this_thread::sleep_for(400ms); release.set_value(); });
  EXPECT_THROW(core::run_sync(verify_by(&pooled, auth::Clock::now() + 500ms)), core::TimeoutError);
  releaser.join();
  EXPECT_EQ(pool->typical_cost(), 300ms);  // dropped when its turn came: it never ran
}

Task<void> verify_until_cancelled(auth::PooledHasher* h, std::string hash, bool* cancelled) {
  try {
    co_await h->verify("alice's password", std::move(hash), auth::Clock::time_point::max());
  } catch (const core::Cancelled&) {
    *cancelled = true;
  }
}

// What a worker's shutdown does: cancel, close, let the loop go while a job still runs.
Task<void> leave_a_job_running(auth::PooledHasher* h, bool* cancelled) {
  core::CancelToken shutdown;
  core::spawn(verify_until_cancelled(h, alice_hash(), cancelled), &shutdown);
  co_await core::sleep(20ms);  // the job is running on the pool thread now
  shutdown.cancel();
  h->close();
  co_await core::yield();
  co_await core::yield();
}

TEST_F(LoginFixture, ResultsArrivingAfterTheLoopIsGoneAreDropped) {
  auto pool = std::make_shared<auth::HashPool>(1, 4);
  {
    auth::PooledHasher gone(pool);
    bool cancelled = false;
    core::run_sync(leave_a_job_running(&gone, &cancelled));  // its loop is destroyed on return
    EXPECT_TRUE(cancelled);
    std::this_thread::sleep_for(500ms);  // the job ends now, with nowhere to post
  }
  auth::PooledHasher next(pool);  // the pool is unharmed
  auto r = core::run_sync(call(service(next), R"({"email":"alice@example.com","password":"alice's password"})"));
  EXPECT_EQ(r.status, 202);
}

TEST_F(LoginFixture, PooledHasherVerifiesOffTheLoop) {
  auth::PooledHasher pooled(std::make_shared<auth::HashPool>(2, 8));
  auto r = core::run_sync(call(service(pooled), R"({"email":"alice@example.com","password":"alice's password"})"));
  EXPECT_EQ(r.status, 202);
  r = core::run_sync(call(service(pooled), R"({"email":"alice@example.com","password":"nope"})"));
  EXPECT_EQ(r.status, 401);
}

}  // namespace
