// The pool's bounds and deadlines: exhaustion, cancellation on the server, transactions and
// pinned connections.
#include "core/pg/pool.hpp"
#include "tests/core/pg/pg_test_support.hpp"

namespace {

using namespace pgtest;
namespace pg = core::pg;

Task<void> hold(pg::Pool* pool, std::string sql, bool* ok) {
  try {
    co_await pool->query(std::move(sql));
    *ok = true;
  } catch (const std::exception&) {
  }
}

Task<void> exhaustion() {
  pg::PoolOptions o = options(1, 1);
  o.acquire_timeout = 100ms;
  pg::Pool pool(o);
  // Connected before the short acquire timeout matters.
  EXPECT_TRUE(co_await wait_until([&] { return pool.stats().live == 1; }, 10s));
  EXPECT_TRUE(co_await pool.ping());
  bool held = false;
  core::spawn(hold(&pool, "select pg_sleep(4)", &held));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(co_await pool.query("select 1"), pg::PoolTimeout);
  double waited = ms_since(t0);
  EXPECT_GE(waited, 90);
  EXPECT_LT(waited, 2000);  // long before the sleep ends (generous: a loaded machine)
  EXPECT_TRUE(co_await wait_until([&] { return held; }, 15s));
  // Free again.
  pg::Result r = co_await pool.query("select 3");
  EXPECT_EQ(r.get<int>(0, 0), 3);
}

TEST(PgPool, ExhaustedPoolTimesOut) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(exhaustion());
}

Task<void> queue_bound() {
  pg::PoolOptions o = options(1, 1);
  o.max_waiting = 2;
  pg::Pool pool(o);
  EXPECT_TRUE(co_await pool.ping());
  bool a = false, b = false, c = false;
  core::spawn(hold(&pool, "select pg_sleep(0.3)", &a));
  core::spawn(hold(&pool, "select 1", &b));  // waiting 1
  core::spawn(hold(&pool, "select 1", &c));  // waiting 2
  EXPECT_EQ(pool.stats().waiting, 2u);
  EXPECT_THROW(co_await pool.query("select 1"), pg::PoolTimeout);  // at once: queue full
  EXPECT_TRUE(co_await wait_until([&] { return a && b && c; }, 5s));
}

TEST(PgPool, FullQueueAnswersAtOnce) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(queue_bound());
}

Task<int> count_active(pg::Pool* pool, const std::string& marker) {
  pg::Result r = co_await pool->query(
      "select count(*) from pg_stat_activity where state = 'active' and query like $1",
      {"%" + marker + "%"});
  co_return r.get<int>(0, 0);
}

Task<void> deadline() {
  pg::Pool pool(options(1));
  pg::Pool observer(options(1));
  EXPECT_TRUE(co_await pool.ping());
  std::string marker = unique_name("sleep10");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(co_await core::with_timeout(pool.query("select pg_sleep(10) -- " + marker), 200ms),
               core::TimeoutError);
  EXPECT_LT(ms_since(t0), 2000);  // the awaiter resumed long before the 10 s sleep
  // The statement was cancelled on the server: the same connection answers right away, and
  // the sleep is gone from pg_stat_activity.
  t0 = std::chrono::steady_clock::now();
  pg::Result r = co_await pool.query("select 4");
  EXPECT_EQ(r.get<int>(0, 0), 4);
  EXPECT_LT(ms_since(t0), 5000);
  EXPECT_EQ(co_await count_active(&observer, marker), 0);
}

TEST(PgPool, DeadlineCancelsOnTheServer) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(deadline());
}

Task<void> outer_cancel(pg::Pool* pool, bool* cancelled) {
  try {
    co_await pool->query("select pg_sleep(10)");
  } catch (const core::Cancelled&) {
    *cancelled = true;
  }
}

Task<void> cancel_token() {
  pg::Pool pool(options(1));
  EXPECT_TRUE(co_await pool.ping());
  core::CancelToken token;
  bool cancelled = false;
  core::spawn(outer_cancel(&pool, &cancelled), &token);
  co_await core::sleep(50ms);
  token.cancel();
  EXPECT_TRUE(co_await wait_until([&] { return cancelled; }, 1s));
  pg::Result r = co_await core::with_timeout(pool.query("select 5"), 3s);
  EXPECT_EQ(r.get<int>(0, 0), 5);
}

TEST(PgPool, CancelTokenCancelsOnTheServer) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(cancel_token());
}

Task<void> timed(pg::Pool* pool, std::string sql, core::Duration limit, int* outcome,
                 std::string* error = nullptr) {
  try {
    co_await core::with_timeout(pool->query(std::move(sql)), limit);
    *outcome = 1;
  } catch (const core::TimeoutError&) {
    *outcome = 2;
  } catch (const std::exception& e) {
    *outcome = 3;
    if (error) *error = e.what();
  }
}

Task<void> not_the_head() {
  // A (head of the pipeline) runs on; B behind it times out: B is abandoned, never A.
  pg::Pool pool(options(1, 8));
  EXPECT_TRUE(co_await pool.ping());
  int a = 0, b = 0;
  core::spawn(timed(&pool, "select pg_sleep(0.5)", 5s, &a));
  core::spawn(timed(&pool, "select pg_sleep(10)", 100ms, &b));
  EXPECT_TRUE(co_await wait_until([&] { return b != 0; }, 10s));
  EXPECT_EQ(b, 2);
  EXPECT_TRUE(co_await wait_until([&] { return a != 0; }, 15s));
  EXPECT_EQ(a, 1) << "the head request was hit by a cancel meant for the one behind it";
  // B's sleep is cancelled once it reaches the head: the connection is free soon after A.
  auto t0 = std::chrono::steady_clock::now();
  pg::Result r = co_await pool.query("select 6");
  EXPECT_EQ(r.get<int>(0, 0), 6);
  EXPECT_LT(ms_since(t0), 5000);  // not after B's 10 s
}

TEST(PgPool, CancelNeverHitsAnotherRequest) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(not_the_head());
}

Task<void> near_misses() {
  // A short statement given up just as it finishes, with another right behind it: the
  // cancel may reach the server after A is done and hit B. B is then sent again, so it never
  // sees a cancel that was not its own.
  pg::Pool pool(options(1, 8));
  EXPECT_TRUE(co_await pool.ping());
  int b_failures = 0;
  std::string error;
  for (int i = 0; i < 20; ++i) {
    int a = 0, b = 0;
    core::spawn(timed(&pool, "select pg_sleep(0.02)", std::chrono::milliseconds(15 + i % 10), &a));
    core::spawn(timed(&pool, "select pg_sleep(0.05)", 5s, &b, &error));
    EXPECT_TRUE(co_await wait_until([&] { return a != 0 && b != 0; }, 5s));
    if (b != 1) b_failures++;
  }
  EXPECT_EQ(b_failures, 0) << error;
}

TEST(PgPool, CollateralCancelIsRetried) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(near_misses());
}

Task<void> transaction() {
  pg::Pool pool(options(2));
  std::string table = unique_name("tx");
  co_await pool.query("create table " + table + " (v int primary key)");
  std::string insert = "insert into " + table + " values ($1)";
  auto results = co_await pool.transaction({pg::Query(insert, {"1"}), pg::Query(insert, {"2"}),
                                            pg::Query("select count(*) from " + table)});
  EXPECT_EQ(results.size(), 3u);
  if (results.size() != 3) co_return;
  EXPECT_EQ(results[2].get<int>(0, 0), 2);
  // All or nothing: the failing third statement takes the first two with it.
  try {
    co_await pool.transaction(
        {pg::Query(insert, {"3"}), pg::Query(insert, {"4"}), pg::Query(insert, {"1"})});
    ADD_FAILURE() << "no error";
  } catch (const pg::Error& e) {
    EXPECT_EQ(e.sqlstate(), pg::sqlstate::kUniqueViolation);
  }
  pg::Result count = co_await pool.query("select count(*) from " + table);
  EXPECT_EQ(count.get<int>(0, 0), 2);
  co_await pool.query("drop table " + table);
}

TEST(PgPool, TransactionIsAllOrNothing) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(transaction());
}

Task<void> migration() {
  // What a service's start-up migration does, twice over as two replicas would.
  pg::Pool pool(options(2));
  std::string table = unique_name("migrate");
  for (int i = 0; i < 2; ++i) {
    co_await pool.transaction({
        pg::Query("select pg_advisory_xact_lock(4242)"),
        pg::Query("create table if not exists " + table + " (id int primary key, name text)"),
        pg::Query("insert into " + table + " values (1, 'admin') on conflict do nothing"),
    });
  }
  // The same with a session lock on a pinned connection.
  {
    pg::Pinned conn = co_await pool.pin();
    co_await conn.query("select pg_advisory_lock(4243)");
    co_await conn.query("insert into " + table + " values (2, 'two') on conflict do nothing");
    co_await conn.query("select pg_advisory_unlock(4243)");
  }
  pg::Result r = co_await pool.query("select count(*) from " + table);
  EXPECT_EQ(r.get<int>(0, 0), 2);
  co_await pool.query("drop table " + table);
}

TEST(PgPool, MigrationUnderAdvisoryLock) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(migration());
}

Task<void> pinned() {
  pg::Pool pool(options(2));
  std::string table = unique_name("pinned");
  co_await pool.query("create table " + table + " (v int)");
  int pid = 0;
  {
    pg::Pinned conn = co_await pool.pin();
    pid = (co_await conn.query("select pg_backend_pid()")).get<int>(0, 0);
    // An explicit transaction across calls, on one session.
    co_await conn.query("begin");
    co_await conn.query("insert into " + table + " values (1)");
    EXPECT_EQ((co_await conn.query("select pg_backend_pid()")).get<int>(0, 0), pid);
    // Other traffic goes to the other connection meanwhile.
    for (int i = 0; i < 5; ++i) {
      EXPECT_NE((co_await pool.query("select pg_backend_pid()")).get<int>(0, 0), pid);
    }
    // Released with the transaction open: it is rolled back.
  }
  pg::Result r = co_await pool.query("select count(*) from " + table);
  EXPECT_EQ(r.get<int>(0, 0), 0);
  // Both connections serve again; neither sees the row (a session still inside the
  // transaction would see its own insert).
  pg::Pinned a = co_await pool.pin();
  pg::Pinned b = co_await pool.pin();
  EXPECT_EQ((co_await a.query("select count(*) from " + table)).get<int>(0, 0), 0);
  EXPECT_EQ((co_await b.query("select count(*) from " + table)).get<int>(0, 0), 0);
  a.release();
  b.release();
  co_await pool.query("drop table " + table);
}

TEST(PgPool, PinnedConnection) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(pinned());
}

Task<void> unreachable() {
  pg::PoolOptions o;
  o.dsn = "host=127.0.0.1 port=1 user=postgres dbname=users";
  o.size = 1;
  o.acquire_timeout = 300ms;
  pg::Pool pool(o);
  EXPECT_FALSE(co_await pool.ping());
  try {
    co_await pool.query("select 1");
    ADD_FAILURE() << "no error";
  } catch (const pg::ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("no database connection"), std::string::npos) << e.what();
  }
}

TEST(PgPool, UnreachableServerIsAConnectionError) {
  // Needs no server at all.
  core::run_sync(unreachable());
}

}  // namespace
