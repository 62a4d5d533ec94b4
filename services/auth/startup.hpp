#pragma once
// What happens once, before any worker serves: configuration check, database migration,
// the hash pool and the dummy hash every worker shares.
#include <memory>
#include <string>

#include "core/service/app.hpp"
#include "services/auth/hasher.hpp"
#include "services/auth/settings.hpp"

namespace auth {

struct Prepared {
  std::shared_ptr<HashPool> hash_pool;  // the process's one "hash" pool
  std::string dummy_hash;                // argon2id of a random password
};

/// Stops the process with one line per bad variable (status 2), or when the database stays
/// unreachable for DB_STARTUP_TIMEOUT (status 1). Otherwise the users table exists.
Prepared start_up(core::service::App& app, const Settings& settings);

/// The migration, retried with backoff while the database is unreachable, for at most `wait`.
/// Throws the last error when it gives up, or at once for an error retrying cannot fix.
core::Task<void> migrate_when_reachable(std::string dsn, core::Duration wait);

}  // namespace auth
