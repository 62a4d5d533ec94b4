// The credential check and POST /authenticate without a database: an in-memory user store and
// a verifier that counts, so "the same work for every refusal" is checked by counting, not timing.
#include "services/auth/login.hpp"

#include <algorithm>

#include "core/pg/pool.hpp"
#include "tests/services/auth/auth_test_support.hpp"
#include "tests/support/coro_test.hpp"

namespace {

using namespace authtest;
using namespace std::chrono_literals;

TEST_F(LoginFixture, UnknownUserIsVerifiedOnceAgainstTheDummyHash) {
  EXPECT_FALSE(check("nobody@example.com", "alice's password"));
  EXPECT_EQ(hasher.verifications, 1);
  EXPECT_EQ(hasher.verified_against.at(0), dummy_hash());
}

TEST_F(LoginFixture, WrongPasswordIsOneVerification) {
  EXPECT_FALSE(check("alice@example.com", "wrong"));
  EXPECT_EQ(hasher.verifications, 1);
  EXPECT_EQ(hasher.verified_against.at(0), alice_hash());
}

TEST_F(LoginFixture, InactiveUserIsStillVerifiedOnceAndRefused) {
  EXPECT_FALSE(check("inactive@example.com", "alice's password"));  // right password
  EXPECT_EQ(hasher.verifications, 1);
  EXPECT_EQ(hasher.hashes, 0);
}

TEST_F(LoginFixture, UnreadableStoredHashCostsOneDummyVerification) {
  EXPECT_FALSE(check("broken@example.com", "not-a-hash"));
  EXPECT_EQ(hasher.verifications, 1);
  EXPECT_EQ(hasher.verified_against.at(0), dummy_hash());
}

TEST_F(LoginFixture, GoodArgon2idLoginNeedsNoUpgrade) {
  auto user = check("alice@example.com", "alice's password");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, 1);
  EXPECT_EQ(hasher.verifications, 1);
  EXPECT_EQ(hasher.hashes, 0);
  EXPECT_EQ(store.replaced, 0);
}

TEST_F(LoginFixture, GoodBcryptLoginUpgradesToArgon2id) {
  auto user = check("admin@example.com", "verysecret");
  ASSERT_TRUE(user);
  EXPECT_EQ(hasher.verifications, 1);
  EXPECT_EQ(hasher.hashes, 1);
  EXPECT_EQ(store.replaced, 1);
  const std::string& now = store.users["admin@example.com"].password_hash;
  EXPECT_EQ(now.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(auth::password::verify("verysecret", now));
  // And the next login works with the new hash, without another upgrade.
  EXPECT_TRUE(check("admin@example.com", "verysecret"));
  EXPECT_EQ(store.replaced, 1);
}

// While bcrypt hashes from the Go system remain, every check costs one bcrypt and one argon2id
// verification, whichever account it is about (cost 4 here: only the counts matter).
const std::string& legacy_dummy() {
  static const std::string h = auth::password::bcrypt_hash("nobody's old password", 4);
  return h;
}

std::vector<auth::password::Scheme> schemes_of(const std::vector<std::string>& hashes) {
  std::vector<auth::password::Scheme> out;
  for (const auto& h : hashes) out.push_back(auth::password::scheme_of(h));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Bcrypt, DummyHashIsARealBcryptHash) {
  EXPECT_EQ(legacy_dummy().rfind("$2b$04$", 0), 0u);
  EXPECT_EQ(auth::password::scheme_of(legacy_dummy()), auth::password::Scheme::bcrypt);
  EXPECT_TRUE(auth::password::verify("nobody's old password", legacy_dummy()));
  EXPECT_FALSE(auth::password::verify("something else", legacy_dummy()));
}

TEST_F(LoginFixture, WhileBcryptHashesRemainEveryRefusalCostsOneOfEach) {
  store.add(5, "old-inactive@example.com", auth::kSeedBcryptHash, 0);
  const std::vector<auth::password::Scheme> one_of_each{auth::password::Scheme::argon2id,
                                                        auth::password::Scheme::bcrypt};
  const std::pair<const char*, const char*> refusals[] = {
      {"nobody@example.com", "x"},                  // unknown
      {"alice@example.com", "wrong"},               // argon2id, wrong password
      {"inactive@example.com", "alice's password"}, // argon2id, inactive
      {"broken@example.com", "x"},                  // unreadable hash
      {"admin@example.com", "wrong"},               // bcrypt, wrong password
      {"old-inactive@example.com", "verysecret"},   // bcrypt, inactive
  };
  for (const auto& [email, password] : refusals) {
    hasher.verifications = hasher.hashes = 0;
    hasher.verified_against.clear();
    auth::Credentials c{store, hasher, dummy_hash(), auth::Clock::time_point::max(), &legacy_dummy()};
    EXPECT_FALSE(core::run_sync(auth::check_credentials(c, email, password))) << email;
    EXPECT_EQ(hasher.verifications, 2) << email;
    EXPECT_EQ(hasher.hashes, 0) << email;
    EXPECT_EQ(schemes_of(hasher.verified_against), one_of_each) << email;
  }
  EXPECT_EQ(store.replaced, 0);
}

TEST_F(LoginFixture, WhileBcryptHashesRemainGoodLoginsDoOneOfEachToo) {
  auth::Credentials c{store, hasher, dummy_hash(), auth::Clock::time_point::max(), &legacy_dummy()};
  EXPECT_TRUE(core::run_sync(auth::check_credentials(c, "alice@example.com", "alice's password")));
  EXPECT_EQ(hasher.verifications, 2);  // her argon2id hash, the bcrypt dummy
  EXPECT_EQ(hasher.hashes, 0);
  hasher.verifications = 0;
  EXPECT_TRUE(core::run_sync(auth::check_credentials(c, "admin@example.com", "verysecret")));
  EXPECT_EQ(hasher.verifications, 1);  // the bcrypt hash; the upgrade is the argon2id half
  EXPECT_EQ(hasher.hashes, 1);
  EXPECT_EQ(store.replaced, 1);
}

TEST_F(LoginFixture, AWrongPasswordForABcryptAccountCostsOneOfEachEvenWithoutTheDummy) {
  EXPECT_FALSE(check("admin@example.com", "wrong"));
  EXPECT_EQ(hasher.verifications, 2);
  EXPECT_EQ(hasher.verified_against.at(1), dummy_hash());
}

TEST_F(LoginFixture, HandlerAnswers202WithTheUserAndLogsTheLogin) {
  auto r = core::run_sync(call_and_settle(service(hasher), R"({"email":"alice@example.com","password":"alice's password"})", 20ms));
  EXPECT_EQ(r.status, 202);
  auto v = parse(r);
  EXPECT_EQ(v.get("error").as_bool(), false);
  EXPECT_EQ(v.get("message").as_string(), "Logged in user alice@example.com");
  auto data = v.get("data");
  EXPECT_EQ(data.get("id").as_int(), 1);
  EXPECT_EQ(data.get("email").as_string(), "alice@example.com");
  EXPECT_EQ(data.get("first_name").as_string(), "First");
  EXPECT_EQ(data.get("last_name").as_string(), "Last");
  EXPECT_EQ(data.get("active").as_int(), 1);
  EXPECT_EQ(data.get("created_at").as_string(), "2022-03-14T00:00:00Z");
  EXPECT_TRUE(data.get("updated_at").is_string());
  EXPECT_FALSE(data.get("password").present());
  EXPECT_EQ(r.body.find("argon2"), std::string::npos);
  EXPECT_EQ(logger->emails, std::vector<std::string>{"alice@example.com"});
}

TEST_F(LoginFixture, HandlerRefusesEveryBadCaseAlikeWith401) {
  for (const char* body : {R"({"email":"nobody@example.com","password":"x"})",
                           R"({"email":"alice@example.com","password":"x"})",
                           R"({"email":"inactive@example.com","password":"alice's password"})"}) {
    int before = hasher.verifications;
    auto r = core::run_sync(call(service(hasher), body));
    EXPECT_EQ(r.status, 401) << body;
    EXPECT_EQ(r.body, R"({"error":true,"message":"invalid credentials"})");
    EXPECT_EQ(hasher.verifications - before, 1) << body;
  }
  EXPECT_TRUE(logger->emails.empty());
}

TEST_F(LoginFixture, HandlerNamesTheBadField) {
  auto r = core::run_sync(call(service(hasher), R"({"email":"alice@example.com"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("password"), std::string::npos) << r.body;
  r = core::run_sync(call(service(hasher), R"({"email":7,"password":"x"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("email"), std::string::npos) << r.body;
  r = core::run_sync(call(service(hasher), R"({"email":)"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(hasher.verifications, 0);
}

TEST_F(LoginFixture, DatabaseDownAnswers503) {
  store.down = true;
  auto r = core::run_sync(call(service(hasher), R"({"email":"alice@example.com","password":"x"})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(parse(r).get("message").as_string(), "database unavailable");
  ASSERT_NE(header(r, "Retry-After"), nullptr);
}

// The store would answer after 30 s; the 50 ms deadline answers first. The bound only tells
// "the deadline ended it" from "the store ended it", so it is far above any scheduling delay.
TEST_F(LoginFixture, DeadlineAnswers504) {
  store.delay = 30s;
  auto t0 = std::chrono::steady_clock::now();
  auto r = core::run_sync(call(service(hasher, 50ms), R"({"email":"alice@example.com","password":"x"})"));
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(parse(r).get("message").as_string(), "authentication timed out");
  EXPECT_EQ(store.lookups, 1);
  EXPECT_EQ(hasher.verifications, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

TEST_F(LoginFixture, FailingLoggerNeverFailsTheLogin) {
  logger->fail = true;
  auto r = core::run_sync(call_and_settle(service(hasher), R"({"email":"alice@example.com","password":"alice's password"})", 20ms));
  EXPECT_EQ(r.status, 202);
  EXPECT_TRUE(logger->emails.empty());
}

TEST_F(LoginFixture, HangingLoggerNeverDelaysTheLogin) {
  logger->hang = true;
  auth::Service s = service(hasher);
  auto t0 = std::chrono::steady_clock::now();
  // call() returns as soon as the reply is ready; the log is still pending then (deadline 200 ms).
  core::http::Response r;
  core::run_sync([](auth::Service s, core::http::Response* out, std::chrono::steady_clock::time_point t0) -> Task<void> {
    *out = co_await call(s, R"({"email":"alice@example.com","password":"alice's password"})");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);  // the logger would hang for 10 s
    co_await core::sleep(300ms);  // past the log's deadline: it gave up
  }(s, &r, t0));
  EXPECT_EQ(r.status, 202);
  EXPECT_TRUE(logger->emails.empty());
}

// A real driver with nothing listening (no server needed): 503, not a hang or a 500.
CORO_TEST(AuthHandler, UnreachableDatabaseAnswers503) {
  core::pg::PoolOptions o;
  o.dsn = "host=127.0.0.1 port=1 user=postgres dbname=users connect_timeout=1";
  o.size = 1;
  o.acquire_timeout = 300ms;
  core::pg::Pool db(o);
  EXPECT_FALSE(co_await db.ping());
  auth::PgUserStore users(db);
  auth::PooledHasher hasher(std::make_shared<auth::HashPool>(1, 4));
  const std::string dummy = auth::password::hash("x");
  auth::Service service{users, hasher, dummy, std::make_shared<RecordingLogger>(), 5s, 1s, nullptr};
  core::http::Response r = co_await call(service, R"({"email":"admin@example.com","password":"verysecret"})");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("database unavailable"), std::string::npos) << r.body;
}

}  // namespace
