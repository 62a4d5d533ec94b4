// The users table against a real PostgreSQL ($DSN; skipped without it). Each test works in a
// schema of its own (search_path in the DSN), so the service's unqualified "users" is private
// to it and the shared database is left as it was.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/pg/pool.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "services/auth/handlers.hpp"
#include "services/auth/password.hpp"
#include "services/auth/startup.hpp"
#include "services/auth/users.hpp"

namespace {

using namespace std::chrono_literals;
using core::Task;
namespace pg = core::pg;

std::string base_dsn() {
  const char* v = std::getenv("DSN");
  return v ? v : "";
}

#define AUTH_REQUIRE_DSN()                                                                        \
  do {                                                                                            \
    if (base_dsn().empty()) GTEST_SKIP() << "DSN is not set: scripts/servers start --profile test, " \
                                            "then source .run/test/env";                          \
  } while (0)

pg::PoolOptions options_for(std::string dsn, std::size_t size = 1) {
  pg::PoolOptions o;
  o.dsn = std::move(dsn);
  o.size = size;
  o.acquire_timeout = 5s;
  return o;
}

Task<void> run_sql(std::string dsn, std::string sql) {
  pg::Pool db(options_for(std::move(dsn)));
  co_await db.query(std::move(sql));
}

// A schema of the test's own; dropped with everything in it at the end.
class SchemaFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (base_dsn().empty()) return;
    static std::atomic<int> counter{0};
    schema_ = "auth_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    core::run_sync(run_sql(base_dsn(), "create schema " + schema_));
    dsn_ = base_dsn() + " options='-c search_path=" + schema_ + "'";
  }
  void TearDown() override {
    if (!schema_.empty()) core::run_sync(run_sql(base_dsn(), "drop schema " + schema_ + " cascade"));
  }
  std::string schema_;
  std::string dsn_;
};

class RecordingLogger final : public auth::LoginLogger {
 public:
  std::vector<std::string> emails;
  Task<void> log_login(std::string email, std::string, std::string) override {
    emails.push_back(email);
    co_return;
  }
};

Task<void> migrate_flag(pg::Pool* db, int* done, std::string* error) {
  try {
    co_await auth::migrate(*db);
    ++*done;
  } catch (const std::exception& e) {
    *error = e.what();
  }
}

Task<void> concurrent_migrations(std::string dsn, std::string schema) {
  pg::Pool a(options_for(dsn)), b(options_for(dsn));
  int done = 0;
  std::string error_a, error_b;
  core::spawn(migrate_flag(&a, &done, &error_a));
  core::spawn(migrate_flag(&b, &done, &error_b));
  for (int i = 0; i < 1000 && done < 2 && error_a.empty() && error_b.empty(); ++i) co_await core::sleep(10ms);
  EXPECT_EQ(done, 2) << error_a << " / " << error_b;
  co_await auth::migrate(a);  // and once more, later: still nothing to do
  pg::Result tables = co_await a.query(
      "select count(*) from information_schema.tables where table_schema = $1 and table_name = 'users'", {schema});
  EXPECT_EQ(tables.get<int>(0, 0), 1);
  pg::Result users = co_await a.query("select email, first_name, last_name, password, user_active from users");
  EXPECT_EQ(users.rows(), 1);
  if (users.rows() != 1) co_return;
  EXPECT_EQ(users.get<std::string>(0, "email"), "admin@example.com");
  EXPECT_EQ(users.get<std::string>(0, "first_name"), "Admin");
  EXPECT_EQ(users.get<std::string>(0, "last_name"), "User");
  EXPECT_EQ(users.get<std::string>(0, "password"), auth::kSeedBcryptHash);
  EXPECT_EQ(users.get<int>(0, "user_active"), 1);
}

TEST_F(SchemaFixture, MigrationIsIdempotentAndSafeToRunConcurrently) {
  AUTH_REQUIRE_DSN();
  core::run_sync(concurrent_migrations(dsn_, schema_));
}

TEST_F(SchemaFixture, MigrationWaitsForTheDatabaseAndCountsTheBcryptHashesLeft) {
  AUTH_REQUIRE_DSN();
  auth::LegacyHashes first = core::run_sync(auth::migrate_when_reachable(dsn_, 10s));
  auth::LegacyHashes again = core::run_sync(auth::migrate_when_reachable(dsn_, 10s));
  // The seed user, with the Go system's cost-12 hash.
  EXPECT_EQ(first.count, 1);
  EXPECT_EQ(first.max_cost, 12);
  EXPECT_EQ(again.count, 1);
}

core::http::Context request(std::string email, std::string password) {
  core::http::Context ctx;
  ctx.request.method = "POST";
  ctx.request.path = ctx.request.target = "/authenticate";
  auto body = wire::json::Value::object();
  body.set("email", wire::json::Value::string(email));
  body.set("password", wire::json::Value::string(password));
  ctx.request.body = body.dump();
  ctx.request_id = "pg-test";
  return ctx;
}

Task<core::http::Response> login(auth::Service* s, std::string email, std::string password) {
  core::http::Context ctx = request(std::move(email), std::move(password));
  co_return co_await auth::authenticate(s, ctx);
}

Task<std::string> stored_hash(pg::Pool* db, std::string email) {
  pg::Result r = co_await db->query("select password from users where email = $1", {std::move(email)});
  co_return r.get<std::string>(0, 0);
}

Task<void> login_flow(std::string dsn) {
  pg::Pool db(options_for(dsn, 2));
  co_await auth::migrate(db);
  auth::PgUserStore users(db);
  auth::PooledHasher hasher(std::make_shared<auth::HashPool>(2, 8));
  const std::string dummy = auth::password::hash("nobody's password");
  auto logger = std::make_shared<RecordingLogger>();
  auth::Service service{users, hasher, dummy, logger, 10s, 1s, nullptr};

  // The seed user, with the Go system's bcrypt hash.
  core::http::Response r = co_await login(&service, "admin@example.com", "verysecret");
  EXPECT_EQ(r.status, 202) << r.body;
  auto v = wire::json::parse(r.body);
  EXPECT_TRUE(v.ok());
  if (v.ok()) {
    EXPECT_EQ(v.value().get("message").as_string(), "Logged in user admin@example.com");
    auto data = v.value().get("data");
    EXPECT_TRUE(data.get("id").is_integer());
    EXPECT_EQ(data.get("email").as_string(), "admin@example.com");
    EXPECT_EQ(data.get("first_name").as_string(), "Admin");
    EXPECT_EQ(data.get("last_name").as_string(), "User");
    EXPECT_EQ(data.get("active").as_int(), 1);
    auto created = data.get("created_at").as_string();
    std::string stamp(created.value_or(""));
    EXPECT_EQ(stamp.size() >= 20 ? stamp.substr(10, 1) : "", "T") << stamp;
    EXPECT_EQ(stamp.empty() ? ' ' : stamp.back(), 'Z') << stamp;
    EXPECT_TRUE(data.get("updated_at").is_string());
    EXPECT_FALSE(data.get("password").present());
  }
  EXPECT_EQ(r.body.find("$2a$"), std::string::npos);

  // Upgraded on that login; the next one works with the new hash.
  std::string now = co_await stored_hash(&db, "admin@example.com");
  EXPECT_EQ(now.rfind("$argon2id$", 0), 0u) << now;
  r = co_await login(&service, "admin@example.com", "verysecret");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(co_await stored_hash(&db, "admin@example.com"), now);  // no second upgrade

  r = co_await login(&service, "admin@example.com", "wrong");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"error":true,"message":"invalid credentials"})");

  r = co_await login(&service, "nobody@example.com", "verysecret");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"error":true,"message":"invalid credentials"})");

  co_await db.query("update users set user_active = 0 where email = 'admin@example.com'");
  r = co_await login(&service, "admin@example.com", "verysecret");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"error":true,"message":"invalid credentials"})");

  co_await core::sleep(20ms);  // the detached login logs
  EXPECT_EQ(logger->emails, (std::vector<std::string>{"admin@example.com", "admin@example.com"}));
}

TEST_F(SchemaFixture, LoginUpgradesTheSeedHashAndRefusesBadCredentials) {
  AUTH_REQUIRE_DSN();
  core::run_sync(login_flow(dsn_));
}

Task<void> concurrent_upgrade(std::string dsn) {
  pg::Pool db(options_for(dsn, 2));
  co_await auth::migrate(db);
  auth::PgUserStore users(db);
  // Two logins read the same bcrypt hash; only the first replace wins.
  std::string a = auth::password::hash("verysecret");
  std::string b = auth::password::hash("verysecret");
  pg::Result r = co_await db.query("select id from users where email = 'admin@example.com'");
  std::int64_t id = r.get<std::int64_t>(0, 0);
  EXPECT_TRUE(co_await users.replace_hash(id, auth::kSeedBcryptHash, a));
  EXPECT_FALSE(co_await users.replace_hash(id, auth::kSeedBcryptHash, b));
  EXPECT_EQ(co_await stored_hash(&db, "admin@example.com"), a);
}

TEST_F(SchemaFixture, ConcurrentUpgradesDoNotFight) {
  AUTH_REQUIRE_DSN();
  core::run_sync(concurrent_upgrade(dsn_));
}

}  // namespace
