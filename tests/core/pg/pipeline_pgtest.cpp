// Many requests in flight on one connection: each gets its own results, a failing one fails
// alone, prepared statements are prepared once per session.
#include <gtest/gtest.h>

#include <set>

#include "tests/core/pg/pg_test_support.hpp"

namespace {

using namespace pgtest;
namespace pg = core::pg;

inline constexpr pg::Statement kEcho{"pgtest_echo", "select $1::int as n, $2::text as s", 2};
inline constexpr pg::Statement kAddOne{"pgtest_add_one",
                                       "select $1::int + 1 as n, pg_backend_pid() as pid", 1};
inline constexpr pg::Statement kPreparedCount{
    "pgtest_prepared_count", "select count(*) from pg_prepared_statements where name = $1", 1};

struct Tally {
  std::set<int> sessions;  // backend pids that served
  int ok = 0;
  int failed = 0;
  int done = 0;
  std::string first_error;
};

Task<void> echo_one(pg::Pool* pool, int i, Tally* tally) {
  try {
    pg::Result r = co_await pool->execute(kEcho, {std::to_string(i), "row-" + std::to_string(i)});
    if (r.get<int>(0, "n") == i && r.get<std::string>(0, "s") == "row-" + std::to_string(i)) {
      tally->ok++;
    } else {
      tally->failed++;
    }
  } catch (const std::exception& e) {
    if (tally->first_error.empty()) tally->first_error = e.what();
    tally->failed++;
  }
  tally->done++;
}

Task<void> ordering() {
  // One connection, 100 requests in its pipeline at once.
  pg::Pool pool(options(1, 128));
  EXPECT_TRUE(co_await pool.ping());
  Tally tally;
  for (int i = 0; i < 100; ++i) core::spawn(echo_one(&pool, i, &tally));
  EXPECT_EQ(pool.stats().in_flight, 100u);  // all sent before any result came back
  EXPECT_TRUE(co_await wait_until([&] { return tally.done == 100; }, 20s));
  EXPECT_EQ(tally.ok, 100) << tally.first_error;
}

TEST(PgPipeline, ResultsMatchTheirOwnRequests) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(ordering());
}

Task<void> insert_one(pg::Pool* pool, std::string sql, int value, Tally* tally,
                      std::string* sqlstate) {
  try {
    co_await pool->query(sql, {std::to_string(value)});
    tally->ok++;
  } catch (const pg::Error& e) {
    tally->failed++;
    *sqlstate = e.sqlstate();
  }
  tally->done++;
}

Task<void> isolation() {
  pg::Pool pool(options(1, 128));
  std::string table = unique_name("isolation");
  co_await pool.query("create table " + table + " (v int primary key)");
  co_await pool.query("insert into " + table + " values (1000)");
  Tally tally;
  std::string bad_state;
  std::string insert = "insert into " + table + " values ($1)";
  for (int i = 0; i < 100; ++i) {
    // Request 37 collides with the existing row; the others insert rows of their own.
    core::spawn(insert_one(&pool, insert, i == 37 ? 1000 : i, &tally, &bad_state));
  }
  EXPECT_TRUE(co_await wait_until([&] { return tally.done == 100; }, 20s));
  EXPECT_EQ(tally.ok, 99);
  EXPECT_EQ(tally.failed, 1);
  EXPECT_EQ(bad_state, pg::sqlstate::kUniqueViolation);
  pg::Result count = co_await pool.query("select count(*) from " + table);
  EXPECT_EQ(count.get<int>(0, 0), 100);  // 99 new rows + the one there before
  co_await pool.query("drop table " + table);
}

TEST(PgPipeline, OneFailingRequestFailsAlone) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(isolation());
}

Task<void> add_one(pg::Pool* pool, int i, Tally* tally) {
  try {
    pg::Result r = co_await pool->execute(kAddOne, {std::to_string(i)});
    tally->sessions.insert(r.get<int>(0, "pid"));
    if (r.get<int>(0, 0) == i + 1) {
      tally->ok++;
    } else {
      tally->failed++;
    }
  } catch (const std::exception& e) {
    if (tally->first_error.empty()) tally->first_error = e.what();
    tally->failed++;
  }
  tally->done++;
}

Task<void> thousand() {
  pg::Pool pool(options(4, 64));
  Tally tally;
  // Spawned before any connection is up: they wait for one (within acquire_timeout).
  for (int i = 0; i < 1000; ++i) core::spawn(add_one(&pool, i, &tally));
  EXPECT_TRUE(co_await wait_until([&] { return tally.done == 1000; }, 30s));
  EXPECT_EQ(tally.ok, 1000) << tally.first_error;
  // At most four sessions served them all (fewer when the work was done before the last
  // connection was up).
  EXPECT_GE(tally.sessions.size(), 1u);
  EXPECT_LE(tally.sessions.size(), 4u);
}

TEST(PgPipeline, ThousandConcurrentOperationsOnFourConnections) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(thousand());
}

Task<void> prepared_once() {
  pg::Pool pool(options(2));
  pg::Pinned conn = co_await pool.pin();
  for (int i = 0; i < 3; ++i) {
    pg::Result r = co_await conn.execute(kAddOne, {std::to_string(i)});
    EXPECT_EQ(r.get<int>(0, "n"), i + 1);
  }
  // Prepared once on this session, under its name.
  pg::Result r = co_await conn.execute(kPreparedCount, {kAddOne.name});
  EXPECT_EQ(r.get<int>(0, 0), 1);
  // The same statement twice in one request.
  auto both = co_await conn.transaction(
      {pg::Query(kAddOne, {"10"}), pg::Query(kAddOne, {"20"}), pg::Query("select 5")});
  EXPECT_EQ(both.size(), 3u);
  if (both.size() != 3) co_return;
  EXPECT_EQ(both[0].get<int>(0, 0), 11);
  EXPECT_EQ(both[1].get<int>(0, 0), 21);
  EXPECT_EQ(both[2].get<int>(0, 0), 5);
}

TEST(PgPipeline, PreparedOncePerSession) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(prepared_once());
}

inline constexpr pg::Statement kBroken{"pgtest_broken", "select * from pgtest_no_such_table", 0};

Task<void> broken_prepare() {
  pg::Pool pool(options(1));
  // A statement whose Prepare fails is prepared again on its next use (and fails again), and
  // the session stays usable.
  for (int i = 0; i < 2; ++i) {
    try {
      co_await pool.execute(kBroken);
      ADD_FAILURE() << "no error";
    } catch (const pg::Error& e) {
      EXPECT_EQ(e.sqlstate(), pg::sqlstate::kUndefinedTable) << e.what();
    }
  }
  pg::Result r = co_await pool.execute(kAddOne, {"1"});
  EXPECT_EQ(r.get<int>(0, 0), 2);
}

TEST(PgPipeline, FailedPrepareIsRetriedNextTime) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(broken_prepare());
}

Task<void> run_after_failed_prepare(pg::Pool* pool, Tally* tally) {
  try {
    pg::Result r = co_await pool->execute(kEcho, {"7", "x"});
    if (r.get<int>(0, 0) == 7) tally->ok++;
  } catch (const pg::Error& e) {
    tally->failed++;
    tally->first_error = e.what();
  }
  tally->done++;
}

Task<void> fail_before_prepare(pg::Pool* pool, Tally* tally) {
  try {
    co_await pool->transaction({pg::Query("select 1/0"), pg::Query(kEcho, {"1", "a"})});
  } catch (const pg::Error&) {
    tally->failed++;
  }
  tally->done++;
}

Task<void> prepare_aborted_in_pipeline() {
  // Request A fails before its Prepare of kEcho runs (so kEcho is not prepared), while B,
  // pipelined behind it, counted on A's Prepare: B is sent again, with a Prepare of its own.
  pg::Pool pool(options(1, 16));
  EXPECT_TRUE(co_await pool.ping());
  Tally a_tally;
  Tally b_tally;
  core::spawn(fail_before_prepare(&pool, &a_tally));
  core::spawn(run_after_failed_prepare(&pool, &b_tally));
  EXPECT_TRUE(co_await wait_until([&] { return a_tally.done + b_tally.done == 2; }, 10s));
  EXPECT_EQ(a_tally.failed, 1);
  EXPECT_EQ(b_tally.ok, 1) << b_tally.first_error;
}

TEST(PgPipeline, RequestRelyingOnAbortedPrepareIsSentAgain) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(prepare_aborted_in_pipeline());
}

}  // namespace
