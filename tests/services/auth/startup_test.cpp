// Start-up without a database: the migration's bounded wait, settings, timestamp format.
#include "services/auth/startup.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "core/pg/error.hpp"
#include "core/runtime/run.hpp"
#include "services/auth/users.hpp"

namespace {

using namespace std::chrono_literals;

TEST(AuthStartup, MigrationGivesUpWhenTheDatabaseStaysDown) {
  auto t0 = std::chrono::steady_clock::now();
  // Nothing listens on port 1.
  EXPECT_THROW(core::run_sync(auth::migrate_when_reachable(
                   "host=127.0.0.1 port=1 user=postgres dbname=users connect_timeout=1", 1500ms)),
               core::pg::Error);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, 1000ms);  // it retried ...
  EXPECT_LT(took, 10s);     // ... within its bound (generous: only a missing bound fails it)
}

TEST(AuthStartup, TimestampsAreRfc3339Utc) {
  EXPECT_EQ(auth::rfc3339_utc("2022-03-14T00:00:00.000000"), "2022-03-14T00:00:00Z");
  EXPECT_EQ(auth::rfc3339_utc("2022-03-14T01:02:03.450000"), "2022-03-14T01:02:03.45Z");
  EXPECT_EQ(auth::rfc3339_utc("2022-03-14 01:02:03.123456"), "2022-03-14T01:02:03.123456Z");
  EXPECT_EQ(auth::rfc3339_utc("2022-03-14 01:02:03"), "2022-03-14T01:02:03Z");
}

TEST(AuthSettings, DefaultsAndBadValues) {
  // DSN stays as it is: the database tests in this binary read it.
  const char* dsn = std::getenv("DSN");
  std::string expected_dsn = dsn ? dsn : "";
  ::unsetenv("LOGGER_RPC_ADDR");
  ::unsetenv("HASH_QUEUE");
  {
    core::service::App app("auth", 8082);
    auth::Settings s = auth::read_settings(app);
    EXPECT_TRUE(app.env().ok());
    EXPECT_EQ(s.logger_host, "127.0.0.1");
    EXPECT_EQ(s.logger_port, 5001);
    EXPECT_EQ(s.logger_codec, "gob");
    EXPECT_EQ(s.hash_queue, s.hash_threads * 4);
    EXPECT_GE(s.hash_threads, 1u);
    if (expected_dsn.empty()) {
      EXPECT_EQ(s.dsn, "host=127.0.0.1 port=5432 user=postgres dbname=users sslmode=disable connect_timeout=5");
    } else {
      EXPECT_EQ(s.dsn, expected_dsn);
    }
  }
  ::setenv("LOGGER_RPC_ADDR", "no-port", 1);
  ::setenv("HASH_QUEUE", "0", 1);
  {
    core::service::App app("auth", 8082);
    auth::read_settings(app);
    ASSERT_EQ(app.env().errors().size(), 2u);
    EXPECT_NE(app.env().errors()[0].find("HASH_QUEUE"), std::string::npos);
    EXPECT_NE(app.env().errors()[1].find("LOGGER_RPC_ADDR"), std::string::npos);
  }
  ::unsetenv("LOGGER_RPC_ADDR");
  ::unsetenv("HASH_QUEUE");
}

}  // namespace
