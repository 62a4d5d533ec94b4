#include "services/auth/startup.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "core/config/env.hpp"
#include "core/log/log.hpp"
#include "core/pg/pool.hpp"
#include "core/runtime/run.hpp"
#include "services/auth/password.hpp"
#include "services/auth/users.hpp"

namespace auth {

using namespace std::chrono_literals;
namespace pg = core::pg;

namespace {

std::string random_password() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

}  // namespace

core::Task<LegacyHashes> migrate_when_reachable(std::string dsn, core::Duration wait) {
  pg::PoolOptions options;
  options.dsn = std::move(dsn);
  options.size = 1;
  options.acquire_timeout = 2s;
  pg::Pool db(options);
  const auto give_up = std::chrono::steady_clock::now() + wait;
  core::Duration backoff = 250ms;
  for (int attempt = 1;; ++attempt) {
    try {
      co_await core::with_timeout(migrate(db), 30s);
      co_return co_await core::with_timeout(legacy_hashes(db), 30s);
    } catch (const pg::ConnectionError& e) {
      if (std::chrono::steady_clock::now() + backoff >= give_up) throw;
      core::log::warn("database unreachable (attempt {}): {}; retrying in {} ms", attempt, e.what(), backoff.count());
    } catch (const pg::PoolTimeout& e) {
      if (std::chrono::steady_clock::now() + backoff >= give_up) throw;
      core::log::warn("database unreachable (attempt {}): {}; retrying in {} ms", attempt, e.what(), backoff.count());
    }
    co_await core::sleep(backoff);
    backoff = std::min<core::Duration>(backoff * 2, 5s);
  }
}

Prepared start_up(core::service::App& app, const Settings& settings) {
  core::config::exit_if_invalid(app.env());
  LegacyHashes legacy;
  try {
    legacy = core::run_sync(migrate_when_reachable(settings.dsn, settings.db_wait));
  } catch (const std::exception& e) {
    core::log::error("users table migration failed, giving up after {}: {}",
                     core::config::format_duration(settings.db_wait), e.what());
    std::exit(1);
  }
  core::log::info("users table ready");
  Prepared p;
  p.hash_pool = std::make_shared<HashPool>(settings.hash_threads, settings.hash_queue);
  p.dummy_hash = password::hash(random_password());
  if (legacy.count > 0) {
    p.legacy_dummy_hash = password::bcrypt_hash(random_password(), legacy.max_cost);
    core::log::info("{} users still on bcrypt (cost up to {}): every login also does one bcrypt "
                    "verification until they are upgraded and the service restarted",
                    legacy.count, legacy.max_cost);
  }
  return p;
}

}  // namespace auth
