#pragma once
// The users table: what a login reads and writes (UserStore, PostgreSQL behind it) and the
// migration that creates the table and seeds the first user.
#include <cstdint>
#include <optional>
#include <string>

#include "core/pg/pool.hpp"
#include "core/runtime/task.hpp"
#include "wire/json/value.hpp"

namespace auth {

/// A user as the API shows it (the Go system's model): never the hash.
struct User {
  std::int64_t id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  int active = 0;                         // users.user_active: 1 active, 0 not
  std::optional<std::string> created_at;  // RFC 3339 UTC; nullopt for SQL NULL
  std::optional<std::string> updated_at;
};

/// {"id","email","first_name","last_name","active","created_at","updated_at"}.
wire::json::Value to_json(const User& user);

struct StoredUser {
  User user;
  std::string password_hash;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  virtual core::Task<std::optional<StoredUser>> find_by_email(std::string email) = 0;
  /// Replaces the hash only if it is still `old_hash` (a concurrent login may have upgraded
  /// it already); true when this call did.
  virtual core::Task<bool> replace_hash(std::int64_t id, std::string old_hash, std::string new_hash) = 0;
};

class PgUserStore final : public UserStore {
 public:
  explicit PgUserStore(core::pg::Pool& db) : db_(db) {}
  core::Task<std::optional<StoredUser>> find_by_email(std::string email) override;
  core::Task<bool> replace_hash(std::int64_t id, std::string old_hash, std::string new_hash) override;

 private:
  core::pg::Pool& db_;
};

/// The Go system's seed user, with the bcrypt hash it stored (password "verysecret").
inline constexpr const char* kSeedEmail = "admin@example.com";
inline constexpr const char* kSeedBcryptHash = "$2a$12$1zGLuYDDNvATh4RA4avbKuheAMpb1svexSzrQm7up.bnpwQHs0jNe";

/// The users still on a bcrypt hash from the Go system (upgraded on their next login): how many,
/// and the highest cost among them (0 when there are none).
struct LegacyHashes {
  std::int64_t count = 0;
  int max_cost = 0;
};
core::Task<LegacyHashes> legacy_hashes(core::pg::Pool& db);

/// Creates the users table if it is missing and seeds the admin user if absent, in one
/// transaction under a transaction-scoped advisory lock, so replicas starting together
/// serialise here instead of racing on the catalog. Idempotent.
core::Task<void> migrate(core::pg::Pool& db);

/// "2024-03-01 12:34:56.789" or with a 'T' -> "2024-03-01T12:34:56.789Z" (fraction without
/// trailing zeros, as Go's time.Time marshals).
std::string rfc3339_utc(std::string_view timestamp);

}  // namespace auth
