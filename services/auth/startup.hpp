#pragma once
// What happens once, before any worker serves: configuration check, database migration,
// the hash pool and the dummy hash every worker shares.
#include <memory>
#include <string>

#include "core/service/app.hpp"
#include "services/auth/hasher.hpp"
#include "services/auth/settings.hpp"
#include "services/auth/users.hpp"

namespace auth {

struct Prepared {
  std::shared_ptr<HashPool> hash_pool;  // the process's one "hash" pool
  std::string dummy_hash;                // argon2id of a random password
  /// bcrypt of a random password at the highest cost in the table while bcrypt hashes remained
  /// at start; "" when none did (see Credentials::legacy_dummy_hash).
  std::string legacy_dummy_hash;
};

/// Stops the process with one line per bad variable (status 2), or when the database stays
/// unreachable for DB_STARTUP_TIMEOUT (status 1). Otherwise the users table exists.
Prepared start_up(core::service::App& app, const Settings& settings);

/// The migration, retried with backoff while the database is unreachable, for at most `wait`;
/// then what is left of the Go system's bcrypt hashes. Throws the last error when it gives up,
/// or at once for an error retrying cannot fix.
core::Task<LegacyHashes> migrate_when_reachable(std::string dsn, core::Duration wait);

}  // namespace auth
