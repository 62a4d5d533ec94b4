#include "services/auth/users.hpp"

#include <vector>

namespace auth {

namespace pg = core::pg;

namespace {

// Timestamps are `timestamp` (no zone) holding UTC; to_char gives one fixed layout whatever
// the session's DateStyle.
inline constexpr pg::Statement kUserByEmail{
    "auth_user_by_email",
    "select id, email, coalesce(first_name, '') as first_name, coalesce(last_name, '') as last_name,"
    " coalesce(password, '') as password, coalesce(user_active, 0) as user_active,"
    " to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') as created_at,"
    " to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') as updated_at"
    " from users where email = $1",
    1};

// The old hash in the where clause: of two logins upgrading at once, one writes, the other
// finds nothing to do.
inline constexpr pg::Statement kReplaceHash{
    "auth_replace_password_hash",
    "update users set password = $1, updated_at = (now() at time zone 'utc')"
    " where id = $2 and password = $3",
    3};

// Any constant works; it only has to be the same in every replica ("auth" in ASCII).
constexpr const char* kMigrationLock = "select pg_advisory_xact_lock(1635087464)";

constexpr const char* kCreateUsers =
    "create table if not exists users ("
    " id serial primary key,"
    " email varchar(255) unique,"
    " first_name varchar(255),"
    " last_name varchar(255),"
    " password varchar(255),"
    " user_active int default 1,"
    " created_at timestamp,"
    " updated_at timestamp)";

constexpr const char* kSeedUser =
    "insert into users (email, first_name, last_name, password, user_active, created_at, updated_at)"
    " values ($1, 'Admin', 'User', $2, 1, now() at time zone 'utc', now() at time zone 'utc')"
    " on conflict (email) do nothing";

std::optional<std::string> timestamp(const pg::Result& r, const char* column) {
  auto text = r.get<std::optional<std::string>>(0, column);
  if (!text) return std::nullopt;
  return rfc3339_utc(*text);
}

}  // namespace

wire::json::Value to_json(const User& user) {
  using wire::json::Value;
  auto stamp = [](const std::optional<std::string>& t) { return t ? Value::string(*t) : Value::null(); };
  auto v = Value::object();
  v.set("id", Value::integer(user.id));
  v.set("email", Value::string(user.email));
  v.set("first_name", Value::string(user.first_name));
  v.set("last_name", Value::string(user.last_name));
  v.set("active", Value::integer(user.active));
  v.set("created_at", stamp(user.created_at));
  v.set("updated_at", stamp(user.updated_at));
  return v;
}

std::string rfc3339_utc(std::string_view timestamp) {
  std::string out(timestamp);
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  auto dot = out.find('.');
  if (dot != std::string::npos) {
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (out.size() == dot + 1) out.pop_back();
  }
  out += 'Z';
  return out;
}

core::Task<std::optional<StoredUser>> PgUserStore::find_by_email(std::string email) {
  pg::Result r = co_await db_.execute(kUserByEmail, {std::move(email)});
  if (r.empty()) co_return std::nullopt;
  StoredUser s;
  s.user.id = r.get<std::int64_t>(0, "id");
  s.user.email = r.get<std::string>(0, "email");
  s.user.first_name = r.get<std::string>(0, "first_name");
  s.user.last_name = r.get<std::string>(0, "last_name");
  s.user.active = r.get<int>(0, "user_active");
  s.user.created_at = timestamp(r, "created_at");
  s.user.updated_at = timestamp(r, "updated_at");
  s.password_hash = r.get<std::string>(0, "password");
  co_return s;
}

core::Task<LegacyHashes> legacy_hashes(pg::Pool& db) {
  // "$2a$12$...": the cost is the two digits after the second '$'.
  pg::Result r = co_await db.query(
      "select count(*), coalesce(max(substr(password, 5, 2)), '0') from users"
      " where password like '$2_$__$%'");
  LegacyHashes h;
  h.count = r.get<std::int64_t>(0, 0);
  h.max_cost = r.get<int>(0, 1);
  co_return h;
}

core::Task<bool> PgUserStore::replace_hash(std::int64_t id, std::string old_hash, std::string new_hash) {
  pg::Result r = co_await db_.execute(kReplaceHash, {std::move(new_hash), std::to_string(id), std::move(old_hash)});
  co_return r.affected() == 1;
}

core::Task<void> migrate(pg::Pool& db) {
  std::vector<pg::Query> steps;
  steps.emplace_back(kMigrationLock);
  steps.emplace_back(kCreateUsers);
  steps.emplace_back(kSeedUser, pg::Params{std::string(kSeedEmail), std::string(kSeedBcryptHash)});
  co_await db.transaction(std::move(steps));
}

}  // namespace auth
