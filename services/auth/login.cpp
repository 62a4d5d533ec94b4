#include "services/auth/login.hpp"

#include "core/log/log.hpp"
#include "core/trace/semconv.hpp"
#include "core/runtime/cancel.hpp"
#include "core/runtime/thread_pool.hpp"
#include "services/auth/password.hpp"

namespace auth {

namespace {

core::Task<void> upgrade_hash(Credentials c, std::int64_t id, std::string old_hash, std::string password) {
  try {
    std::string fresh = co_await c.hasher.hash(std::move(password), c.deadline);
    bool replaced = co_await c.users.replace_hash(id, std::move(old_hash), std::move(fresh));
    core::log::info_with({{"user_id", id}, {"replaced", replaced}}, "password hash upgraded to argon2id");
  } catch (const std::exception& e) {
    // The login itself succeeded; the next one tries again.
    core::log::warn_with({{"user_id", id}}, "password hash upgrade failed: {}", e.what());
  }
}

core::Task<std::optional<StoredUser>> find_user(Credentials c, std::string email) {
  core::trace::Span span = core::trace::db_span(c.span, "postgresql", "SELECT", "users");
  span.set("db.query.summary", std::string("SELECT users (auth_user_by_email)"));
  std::exception_ptr error;
  try {
    co_return co_await c.users.find_by_email(std::move(email));
  } catch (...) {
    error = std::current_exception();
  }
  core::trace::record_exception(span, error);
  std::rethrow_exception(error);
}

}  // namespace

core::Task<std::optional<User>> check_credentials(Credentials c, std::string email, std::string password) {
  // Overloaded: say so before spending a query on a login that cannot be checked now.
  if (c.hasher.saturated()) throw core::PoolFull("hash");
  const bool legacy_left = c.legacy_dummy_hash && !c.legacy_dummy_hash->empty();
  std::optional<StoredUser> found = co_await find_user(c, std::move(email));
  const std::string stored = found ? found->password_hash : std::string();
  const password::Scheme scheme = password::scheme_of(stored);
  const bool readable = found && scheme != password::Scheme::unknown;
  // Copy: the password is still needed for an upgrade or the second verification.
  bool match = co_await c.hasher.verify(password, readable ? stored : c.dummy_hash, c.deadline);
  const bool accepted = match && readable && found->user.active == 1;

  if (scheme == password::Scheme::bcrypt) {
    // The argon2id half: the upgrade's hashing on success, a dummy verification otherwise.
    if (accepted) {
      co_await upgrade_hash(c, found->user.id, stored, std::move(password));
      co_return std::move(found->user);
    }
    co_await c.hasher.verify(std::move(password), c.dummy_hash, c.deadline);
    co_return std::nullopt;
  }
  // The bcrypt half, while bcrypt accounts exist to be told apart from.
  if (legacy_left) co_await c.hasher.verify(password, *c.legacy_dummy_hash, c.deadline);
  if (!accepted) co_return std::nullopt;
  if (password::needs_upgrade(stored)) {
    co_await upgrade_hash(c, found->user.id, stored, std::move(password));
  }
  co_return std::move(found->user);
}

}  // namespace auth
