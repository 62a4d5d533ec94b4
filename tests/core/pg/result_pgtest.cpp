// Round trips through a real server: typed getters, NULLs, parameters, command tags, and what
// a statement error looks like.
#include "core/pg/result.hpp"
#include "tests/core/pg/pg_test_support.hpp"

namespace {

using namespace pgtest;
namespace pg = core::pg;

Task<void> select_one() {
  pg::Pool pool(options(1));
  pg::Result r = co_await pool.query("select 1 as one");
  EXPECT_EQ(r.rows(), 1);
  EXPECT_EQ(r.columns(), 1);
  EXPECT_EQ(r.column_name(0), "one");
  EXPECT_EQ(r.get<int>(0, 0), 1);
  EXPECT_EQ(r.get<std::int64_t>(0, "one"), 1);
  EXPECT_EQ(r.get<std::string>(0, "one"), "1");
}

TEST(PgResult, SelectOne) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(select_one());
}

Task<void> typed_getters() {
  pg::Pool pool(options(1));
  pg::Result r = co_await pool.query(
      "select 9007199254740993::bigint as big, -42 as small, true as yes, false as no, "
      "'héllo'::text as word, 2.5::float8 as real, ''::text as empty, null::text as nothing");
  EXPECT_EQ(r.get<std::int64_t>(0, "big"), 9007199254740993LL);
  EXPECT_EQ(r.get<int>(0, "small"), -42);
  EXPECT_TRUE(r.get<bool>(0, "yes"));
  EXPECT_FALSE(r.get<bool>(0, "no"));
  EXPECT_EQ(r.get<std::string>(0, "word"), "héllo");
  EXPECT_DOUBLE_EQ(r.get<double>(0, "real"), 2.5);
  EXPECT_EQ(r.get<std::string>(0, "empty"), "");
  EXPECT_FALSE(r.is_null(0, "empty"));
  EXPECT_TRUE(r.is_null(0, "nothing"));
  EXPECT_EQ(r.get<std::optional<std::string>>(0, "nothing"), std::nullopt);
  EXPECT_EQ(r.get<std::optional<std::string>>(0, "word"), "héllo");
  EXPECT_EQ(r.get<std::optional<int>>(0, "small"), -42);
  // Wrong reads say which column.
  EXPECT_THROW(r.get<std::string>(0, "nothing"), pg::Error);
  EXPECT_THROW(r.get<int>(0, "word"), pg::Error);
  EXPECT_THROW(r.get<int>(0, "big"), pg::Error);  // out of int's range
  EXPECT_THROW(r.get<bool>(0, "small"), pg::Error);
  EXPECT_THROW(r.get<int>(0, "no_such_column"), std::out_of_range);
  EXPECT_THROW(r.get<int>(1, 0), std::out_of_range);
  try {
    r.get<int>(0, "word");
  } catch (const pg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("word"), std::string::npos) << e.what();
  }
}

TEST(PgResult, TypedGetters) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(typed_getters());
}

Task<void> parameters_and_nulls() {
  pg::Pool pool(options(2));
  std::string table = unique_name("params");
  co_await pool.query("create table " + table +
                      " (id serial primary key, email text unique not null, nick text)");
  pg::Result ins = co_await pool.query(
      "insert into " + table + " (email, nick) values ($1, $2), ($3, $4) returning id",
      {"a@example.com", "ann", "b@example.com", std::nullopt});
  EXPECT_EQ(ins.affected(), 2);
  EXPECT_EQ(ins.rows(), 2);
  EXPECT_EQ(ins.command_status(), "INSERT 0 2");

  pg::Result sel = co_await pool.query(
      "select id, email, nick from " + table + " where email = $1 or email = $2 order by email",
      {"a@example.com", "b@example.com"});
  EXPECT_EQ(sel.rows(), 2);
  EXPECT_EQ(sel.get<std::string>(0, "email"), "a@example.com");
  EXPECT_EQ(sel.get<std::optional<std::string>>(0, "nick"), "ann");
  EXPECT_EQ(sel.get<std::optional<std::string>>(1, "nick"), std::nullopt);
  EXPECT_GT(sel.get<std::int64_t>(1, "id"), 0);

  // Text parameters are parsed by the server, quotes and all: no injection.
  std::string tricky = "o'hara\"; drop table x; --";
  co_await pool.query("insert into " + table + " (email) values ($1)", {tricky});
  pg::Result back =
      co_await pool.query("select count(*) from " + table + " where email = $1", {tricky});
  EXPECT_EQ(back.get<int>(0, 0), 1);

  pg::Result upd = co_await pool.query("update " + table + " set nick = 'x'");
  EXPECT_EQ(upd.affected(), 3);

  // A unique violation carries its sqlstate and the session stays usable.
  try {
    co_await pool.query("insert into " + table + " (email) values ($1)", {"a@example.com"});
    ADD_FAILURE() << "duplicate insert succeeded";
  } catch (const pg::ConnectionError& e) {
    ADD_FAILURE() << "a statement error is not a connection error: " << e.what();
  } catch (const pg::Error& e) {
    EXPECT_EQ(e.sqlstate(), pg::sqlstate::kUniqueViolation) << e.what();
  }
  pg::Result count = co_await pool.query("select count(*) from " + table);
  EXPECT_EQ(count.get<int>(0, 0), 3);
  co_await pool.query("drop table " + table);
}

TEST(PgResult, ParametersAndNulls) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(parameters_and_nulls());
}

Task<void> syntax_error() {
  pg::Pool pool(options(1));
  try {
    co_await pool.query("selec 1");
    ADD_FAILURE() << "no error";
  } catch (const pg::Error& e) {
    EXPECT_EQ(e.sqlstate(), pg::sqlstate::kSyntaxError);
  }
  pg::Result r = co_await pool.query("select 2");
  EXPECT_EQ(r.get<int>(0, 0), 2);
}

TEST(PgResult, SyntaxErrorLeavesConnectionUsable) {
  PG_TEST_REQUIRE_DSN();
  core::run_sync(syntax_error());
}

}  // namespace
