// The failed-login throttle: its arithmetic on a fake clock, then POST /authenticate with it.
#include "services/auth/login_throttle.hpp"

#include "tests/services/auth/auth_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using auth::LoginThrottle;
using authtest::LoginFixture;

const auto t0 = LoginThrottle::Clock::time_point{} + 24h;

TEST(LoginThrottle, FiveFailuresLockThePairOut) {
  LoginThrottle t;
  for (int i = 0; i < 4; ++i) {
    t.failed("a@x.com", "1.2.3.4", t0 + i * 1s);
    EXPECT_EQ(t.retry_after("a@x.com", "1.2.3.4", t0 + i * 1s), 0) << i;
  }
  t.failed("a@x.com", "1.2.3.4", t0 + 4s);
  EXPECT_EQ(t.retry_after("a@x.com", "1.2.3.4", t0 + 4s), 30);
  EXPECT_EQ(t.retry_after("A@X.COM", "1.2.3.4", t0 + 4s), 30);  // the same email
  // Nobody else is locked out: not the same email from elsewhere, not another email from here.
  EXPECT_EQ(t.retry_after("a@x.com", "5.6.7.8", t0 + 4s), 0);
  EXPECT_EQ(t.retry_after("b@x.com", "1.2.3.4", t0 + 4s), 0);
  EXPECT_EQ(t.retry_after("a@x.com", "1.2.3.4", t0 + 34s), 0);
}

TEST(LoginThrottle, TheLockoutDoublesWithEachFurtherFailureUpToTheCap) {
  LoginThrottle t;
  auto now = t0;
  for (int i = 0; i < 5; ++i) t.failed("a@x.com", "c", now);
  int expected = 30;
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(t.retry_after("a@x.com", "c", now), std::min(expected, 900)) << i;
    now += std::chrono::seconds(std::min(expected, 900));  // waits it out, then fails again
    EXPECT_EQ(t.retry_after("a@x.com", "c", now), 0);
    t.failed("a@x.com", "c", now);
    expected *= 2;
  }
}

TEST(LoginThrottle, FailuresOutsideTheWindowAreForgottenAndSuccessResets) {
  LoginThrottle t;
  for (int i = 0; i < 4; ++i) t.failed("a@x.com", "c", t0);
  t.failed("a@x.com", "c", t0 + 16min);  // the first four are older than 15 minutes
  EXPECT_EQ(t.retry_after("a@x.com", "c", t0 + 16min), 0);
  for (int i = 0; i < 3; ++i) t.failed("a@x.com", "c", t0 + 16min);
  t.succeeded("a@x.com", "c");
  t.failed("a@x.com", "c", t0 + 16min);
  EXPECT_EQ(t.retry_after("a@x.com", "c", t0 + 16min), 0);
}

TEST(LoginThrottle, MemoryIsBounded) {
  LoginThrottle::Options o;
  o.max_keys = 1000;
  LoginThrottle t(o);
  for (int i = 0; i < 50000; ++i) t.failed("u" + std::to_string(i) + "@x.com", "c", t0);
  EXPECT_LE(t.keys(), 1000u);
}

// A throttle that locks out after two failures: each failure costs a real hash verification.
LoginThrottle::Options two_failures() {
  LoginThrottle::Options o;
  o.max_failures = 2;
  return o;
}

// The failures, then the next attempt: 429 with Retry-After, before any lookup or hashing,
// and the same for an email that exists and one that does not.
TEST_F(LoginFixture, HandlerThrottlesRepeatedFailuresAlikeForKnownAndUnknownEmails) {
  LoginThrottle throttle(two_failures());
  std::string bodies[2];
  for (const char* email : {"alice@example.com", "nobody@example.com"}) {
    auth::Service s = service(hasher);
    s.throttle = &throttle;
    const std::string wrong = std::string(R"({"email":")") + email + R"(","password":"x"})";
    for (int i = 0; i < 2; ++i) EXPECT_EQ(core::run_sync(authtest::call(s, wrong)).status, 401);
    const int lookups = store.lookups, verifications = hasher.verifications;
    auto r = core::run_sync(authtest::call(s, wrong));
    EXPECT_EQ(r.status, 429) << email;
    const std::string* retry = authtest::header(r, "Retry-After");
    ASSERT_NE(retry, nullptr);
    EXPECT_GE(std::stoi(*retry), 1);
    EXPECT_LE(std::stoi(*retry), 30);
    EXPECT_EQ(store.lookups, lookups) << "no lookup while throttled";
    EXPECT_EQ(hasher.verifications, verifications) << "no hashing while throttled";
    bodies[email[0] == 'a' ? 0 : 1] = r.body;
    // Even the right password waits.
    if (email[0] == 'a') {
      auto right = core::run_sync(authtest::call(s, R"({"email":"alice@example.com","password":"alice's password"})"));
      EXPECT_EQ(right.status, 429);
    }
  }
  EXPECT_EQ(bodies[0], bodies[1]);
}

TEST_F(LoginFixture, HandlerThrottleIsPerClientAddress) {
  LoginThrottle throttle(two_failures());
  auth::Service s = service(hasher);
  s.throttle = &throttle;
  const std::string wrong = R"({"email":"alice@example.com","password":"x"})";
  auto from = [&](std::string client, std::string body) {
    core::http::Context ctx = authtest::request(std::move(body));
    ctx.client = std::move(client);
    return core::run_sync(auth::authenticate(&s, ctx));
  };
  for (int i = 0; i < 2; ++i) EXPECT_EQ(from("6.6.6.6", wrong).status, 401);
  EXPECT_EQ(from("6.6.6.6", wrong).status, 429);
  // The owner, from elsewhere, still logs in.
  auto r = from("1.2.3.4", R"({"email":"alice@example.com","password":"alice's password"})");
  EXPECT_EQ(r.status, 202);
}

}  // namespace
