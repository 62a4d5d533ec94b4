#pragma once
// Shared by the auth service's tests: an in-memory user store, a verifier that counts, a
// recording login logger, and helpers to call POST /authenticate on a loop.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/pg/error.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "services/auth/handlers.hpp"
#include "services/auth/login.hpp"
#include "services/auth/password.hpp"

namespace authtest {

using namespace std::chrono_literals;
using core::Task;

// Hashes made once: argon2id costs ~0.1 s, bcrypt-12 ~0.3 s.
inline const std::string& dummy_hash() {
  static const std::string h = auth::password::hash("dummy password nobody has");
  return h;
}
inline const std::string& alice_hash() {
  static const std::string h = auth::password::hash("alice's password");
  return h;
}

class MemoryStore final : public auth::UserStore {
 public:
  std::map<std::string, auth::StoredUser> users;
  int lookups = 0;
  int replaced = 0;
  core::Duration delay{0};
  bool down = false;

  void add(std::int64_t id, std::string email, std::string hash, int active = 1) {
    auth::StoredUser s;
    s.user = {id, email, "First", "Last", active, "2022-03-14T00:00:00Z", "2022-03-14T00:00:00Z"};
    s.password_hash = std::move(hash);
    users[email] = std::move(s);
  }

  Task<std::optional<auth::StoredUser>> find_by_email(std::string email) override {
    ++lookups;
    if (delay.count() > 0) co_await core::sleep(delay);
    if (down) throw core::pg::ConnectionError("connection refused");
    auto it = users.find(email);
    if (it == users.end()) co_return std::nullopt;
    co_return it->second;
  }
  Task<bool> replace_hash(std::int64_t id, std::string old_hash, std::string new_hash) override {
    for (auto& [email, s] : users) {
      if (s.user.id == id && s.password_hash == old_hash) {
        s.password_hash = std::move(new_hash);
        ++replaced;
        co_return true;
      }
    }
    co_return false;
  }
};

// Verifies for real (on the test's loop: fine here), counting each call and remembering the
// hashes it was asked about.
class CountingHasher final : public auth::Hasher {
 public:
  int verifications = 0;
  int hashes = 0;
  std::vector<std::string> verified_against;

  Task<bool> verify(std::string password, std::string hash, auth::Clock::time_point) override {
    ++verifications;
    verified_against.push_back(hash);
    co_return auth::password::verify(password, hash);
  }
  Task<std::string> hash(std::string password, auth::Clock::time_point) override {
    ++hashes;
    co_return auth::password::hash(password);
  }
};

class RecordingLogger final : public auth::LoginLogger {
 public:
  std::vector<std::string> emails;
  bool fail = false;
  bool hang = false;
  Task<void> log_login(std::string email, std::string, std::string) override {
    if (hang) co_await core::sleep(10s);
    if (fail) throw std::runtime_error("logger down");
    emails.push_back(email);
  }
};

struct LoginFixture : ::testing::Test {
  MemoryStore store;
  CountingHasher hasher;
  std::shared_ptr<RecordingLogger> logger = std::make_shared<RecordingLogger>();

  void SetUp() override {
    store.add(1, "alice@example.com", alice_hash());
    store.add(2, "admin@example.com", auth::kSeedBcryptHash);
    store.add(3, "inactive@example.com", alice_hash(), 0);
    store.add(4, "broken@example.com", "not-a-hash");
  }

  std::optional<auth::User> check(std::string email, std::string password) {
    return core::run_sync(
        auth::check_credentials(auth::Credentials{store, hasher, dummy_hash()}, std::move(email), std::move(password)));
  }

  auth::Service service(auth::Hasher& h, core::Duration deadline = 5s) {
    return auth::Service{store, h, dummy_hash(), logger, deadline, 200ms, nullptr};
  }
};

inline core::http::Context request(std::string body) {
  core::http::Context ctx;
  ctx.request.method = "POST";
  ctx.request.path = ctx.request.target = "/authenticate";
  ctx.request.headers.push_back({"Content-Type", "application/json"});
  ctx.request.body = std::move(body);
  ctx.request_id = "test-request";
  return ctx;
}

inline Task<core::http::Response> call(auth::Service s, std::string body) {
  core::http::Context ctx = request(std::move(body));
  co_return co_await auth::authenticate(&s, ctx);
}

// Lets the detached login log run before run_sync's loop goes away.
inline Task<core::http::Response> call_and_settle(auth::Service s, std::string body, core::Duration settle) {
  core::http::Response r = co_await call(s, std::move(body));
  co_await core::sleep(settle);
  co_return r;
}

inline wire::json::Value parse(const core::http::Response& r) {
  auto v = wire::json::parse(r.body);
  EXPECT_TRUE(v.ok()) << r.body;
  return v.ok() ? v.value() : wire::json::Value();
}

inline const std::string* header(const core::http::Response& r, std::string_view name) {
  return wire::http::find_header(r.headers, name);
}

}  // namespace authtest
