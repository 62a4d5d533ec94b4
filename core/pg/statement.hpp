#pragma once
// SQL as named constants: a Statement is prepared lazily, once per connection, under its name
// (and again after a reconnect); metrics and error messages are keyed by that name.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace core::pg {

/// A statement to prepare under `name`. Declare them as constants next to their callers:
///   inline constexpr pg::Statement kUserByEmail{
///       "user_by_email", "select id, email from users where email = $1", 1};
/// Names are unique per process: a connection remembers what it prepared by name.
struct Statement {
  const char* name;
  const char* sql;
  int param_count;
};

/// Parameters in text format, $1 first; nullopt is SQL NULL.
using Params = std::vector<std::optional<std::string>>;

/// One statement of a batch: a prepared Statement, or ad-hoc SQL sent without preparing (one
/// statement; no `;`-separated lists, the extended protocol refuses them).
struct Query {
  Query(const Statement& s, Params p = {}) : statement(s), prepared(true), params(std::move(p)) {}
  Query(std::string text, Params p = {})
      : statement{"query", nullptr, 0}, sql(std::move(text)), params(std::move(p)) {}
  Query(const char* text, Params p = {}) : Query(std::string(text), std::move(p)) {}

  Statement statement;  // for ad-hoc SQL only the name ("query") is set
  bool prepared = false;
  std::string sql;  // ad-hoc SQL
  Params params;

  const char* name() const noexcept { return statement.name; }
  const char* text() const noexcept { return prepared ? statement.sql : sql.c_str(); }
};

}  // namespace core::pg
