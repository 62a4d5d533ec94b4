// Losing the server: in-flight requests fail with ConnectionError, the pool reconnects in the
// background, prepared statements are prepared again on the new sessions.
#include <filesystem>

#include "core/pg/connection.hpp"
#include "core/runtime/thread_pool.hpp"
#include "tests/core/pg/pg_test_support.hpp"
#include "tests/support/repo_root.hpp"
#include "tests/support/coro_test.hpp"

namespace {

using namespace pgtest;
namespace pg = core::pg;

inline constexpr pg::Statement kPid{"pgtest_pid", "select pg_backend_pid() + $1::int as pid", 1};

Task<int> pid_of(pg::Pool* pool) {
  pg::Result r = co_await pool->execute(kPid, {"0"});
  co_return r.get<int>(0, 0);
}

// Retries `select` through the pool until it answers, for at most `limit`.
Task<bool> recovered(pg::Pool* pool, core::Duration limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      co_await pid_of(pool);
      co_return true;
    } catch (const pg::Error&) {
    }
    co_await core::sleep(50ms);
  }
  co_return false;
}

Task<void> terminated() {
  pg::Pool pool(options(1));
  pg::Pool admin(options(1));
  int before = co_await pid_of(&pool);
  pg::Result killed =
      co_await admin.query("select pg_terminate_backend($1)", {std::to_string(before)});
  EXPECT_TRUE(killed.get<bool>(0, 0));
  EXPECT_TRUE(co_await recovered(&pool, 10s));
  int after = co_await pid_of(&pool);  // prepared again on the new session
  EXPECT_NE(after, before);
}

TEST(PgConnection, ReconnectsAndPreparesAgainAfterBackendTerminated) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(terminated());
}

Task<void> by_name(std::string dsn) {
  pg::PoolOptions o = options(2);
  o.dsn = std::move(dsn);
  pg::Pool pool(o);
  // "localhost" is looked up off the loop, and every address it has is tried in turn.
  EXPECT_TRUE(co_await pool.ping());
  EXPECT_GT(co_await pid_of(&pool), 0);
}

TEST(PgConnection, HostNameIsResolvedOffTheLoop) {
  PG_TEST_REQUIRE_DSN();
  std::string named = dsn();
  auto at = named.find("host=127.0.0.1");
  if (at == std::string::npos) GTEST_SKIP() << "DSN does not use host=127.0.0.1";
  named.replace(at, 14, "host=localhost");
  core::run_sync(by_name(named));
}

CORO_TEST(PgConnection, UnknownHostIsAConnectionError) {
  pg::PoolOptions o;
  o.dsn = "host=no-such-host.invalid port=5432 user=postgres";
  o.size = 1;
  o.acquire_timeout = 2s;
  pg::Pool pool(o);
  try {
    co_await pool.query("select 1");
    ADD_FAILURE() << "no error";
  } catch (const pg::ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("could not resolve"), std::string::npos) << e.what();
  }
}

TEST(PgConnection, InvalidDsnIsRefusedAtConstruction) {
  core::Loop loop;
  pg::PoolOptions o;
  o.dsn = "host=x no_such_option=1";
  EXPECT_THROW(pg::Pool pool(o), std::invalid_argument);
}

std::string restart_command() {
  if (const char* cmd = std::getenv("PG_RESTART_CMD")) return cmd;
  const char* profile = std::getenv("MS_PROFILE");
  if (!profile) return "";
  auto script = test_support::repo_root() / "scripts" / "servers";
  if (!std::filesystem::exists(script)) return "";
  return script.string() + " restart postgres --profile " + profile + " >/dev/null 2>&1";
}

struct Outcomes {
  int ok = 0;
  int connection_errors = 0;
  int other = 0;
  int done = 0;
  std::string other_error;
};

Task<void> long_query(pg::Pool* pool, Outcomes* out) {
  try {
    co_await pool->query("select pg_sleep(5)");
    out->ok++;
  } catch (const pg::ConnectionError&) {
    out->connection_errors++;
  } catch (const std::exception& e) {
    out->other++;
    out->other_error = e.what();
  }
  out->done++;
}

Task<void> quick(pg::Pool* pool, Outcomes* out) {
  try {
    co_await pid_of(pool);
    out->ok++;
  } catch (const std::exception& e) {
    out->other++;
    out->other_error = e.what();
  }
  out->done++;
}

Task<void> restart(std::string command) {
  pg::PoolOptions o = options(2, 16);
  o.acquire_timeout = 2s;
  pg::Pool pool(o);
  core::ThreadPool shell("test-shell", 1, 1);
  EXPECT_TRUE(co_await pool.ping());
  co_await pid_of(&pool);  // kPid prepared on the first session

  Outcomes inflight;
  for (int i = 0; i < 10; ++i) core::spawn(long_query(&pool, &inflight));
  co_await core::sleep(200ms);
  int rc = co_await shell.run([command] { return std::system(command.c_str()); });
  EXPECT_EQ(rc, 0) << command;
  EXPECT_TRUE(co_await wait_until([&] { return inflight.done == 10; }, 30s));
  EXPECT_EQ(inflight.connection_errors, 10) << inflight.other_error;

  // Back within a generous bound, with kPid prepared on the new sessions.
  EXPECT_TRUE(co_await recovered(&pool, 60s));
  EXPECT_TRUE(co_await wait_until([&] { return pool.stats().live == 2; }, 30s));
  Outcomes after;
  for (int i = 0; i < 50; ++i) core::spawn(quick(&pool, &after));
  EXPECT_TRUE(co_await wait_until([&] { return after.done == 50; }, 30s));
  EXPECT_EQ(after.ok, 50) << after.other_error;
}

TEST(PgConnection, ServerRestartFailsInFlightThenRecovers) {
  PG_TEST_REQUIRE_DSN();
  std::string command = restart_command();
  if (command.empty()) {
    GTEST_SKIP() << "no way to restart the server: set MS_PROFILE (source .run/test/env) or "
                    "PG_RESTART_CMD";
  }
  core::run_sync(restart(command));
}

}  // namespace
