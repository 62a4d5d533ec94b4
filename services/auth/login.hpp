#pragma once
// The credential check behind POST /authenticate, apart from HTTP: find the user, verify the
// password, upgrade an old hash. Every refusal - unknown user, wrong password, inactive user,
// unreadable stored hash - costs the same work (one argon2id verification, plus one bcrypt
// verification while bcrypt hashes remain), so the reply time does not tell which it was.
#include <optional>
#include <string>

#include "core/trace/span.hpp"
#include "core/runtime/task.hpp"
#include "services/auth/hasher.hpp"
#include "services/auth/users.hpp"

namespace auth {

struct Credentials {
  UserStore& users;
  Hasher& hasher;
  /// An argon2id hash of a random password, made once at start: what an unknown user's
  /// password is verified against.
  const std::string& dummy_hash;
  /// When the caller stops waiting: hashing that cannot finish by then is not started.
  Clock::time_point deadline = Clock::time_point::max();
  /// While the table still holds the Go system's bcrypt hashes: a bcrypt hash of a random
  /// password. Every check then costs one bcrypt and one argon2id verification, whatever the
  /// account (argon2id, bcrypt, none), so the reply time does not tell an old account from a
  /// new one or from none. Null or "": none remained at start.
  const std::string* legacy_dummy_hash = nullptr;
  /// The request's span: the lookup and each verification are its children (may be null).
  const core::trace::Span* span = nullptr;
};

/// The user when email and password match an active user; nullopt otherwise. Throws what the
/// store and the hasher throw (pg errors, core::PoolFull, core::TimeoutError, core::Cancelled);
/// a saturated hasher is refused (PoolFull) before the database is asked. A failed hash upgrade does not
/// fail the login: it is logged and tried again on the next one.
core::Task<std::optional<User>> check_credentials(Credentials c, std::string email, std::string password);

}  // namespace auth
