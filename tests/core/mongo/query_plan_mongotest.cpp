// The logger's GET /logs lists newest first. These tests look at how the server plans that
// query over 100,000 entries, from its explain output (not from a timer). See docs/mongo.md.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/mongo/client.hpp"
#include "tests/core/mongo/mongo_fixture.hpp"

namespace {

using core::Task;
using core::mongo::Client;
using core::mongo::FindQuery;

// FerretDB v1.24 reads the whole collection for a sorted find: give it time.
class MongoQueryPlan : public mongo_test::MongoTest {
  core::mongo::Options options() const override {
    auto o = MongoTest::options();
    o.deadline = std::chrono::seconds(120);
    o.url = mongo_test::with_option(o.url, "socketTimeoutMS", "120000");
    return o;
  }
};
using wire::json::Value;

constexpr int kEntries = 100000;
constexpr int kBatch = 1000;
constexpr std::int64_t kLimit = 50;
constexpr std::int64_t kBase = 1700000000000;

Value object(std::string key, Value v) {
  Value o = Value::object();
  o.set(key, std::move(v));
  return o;
}

FindQuery newest_first(std::int64_t limit) {
  FindQuery q;
  q.sort = object("$natural", Value::integer(-1));
  q.limit = limit;
  return q;
}

// FerretDB marks its explain output with pushdown flags; MongoDB has executionStats.
bool is_ferretdb(const Value& plan) { return plan.get("sortPushdown").present(); }

// SQLite: queryPlanner.Plan is EXPLAIN QUERY PLAN's lines; PostgreSQL: the JSON of EXPLAIN.
bool is_postgresql_plan(const Value& plan) { return plan.get("queryPlanner").get("Plan").get("Node Type").present(); }

std::string plan_text(const Value& plan) {
  Value steps = plan.get("queryPlanner").get("Plan");
  if (is_postgresql_plan(plan)) return steps.dump() + "\n";
  std::string out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    out.append(steps.at(i).as_string().value_or("")).append("\n");
  }
  return out;
}

Task<void> fill(Client* c, std::string coll) {
  EXPECT_TRUE(co_await c->create_capped(coll, std::int64_t{1} << 30));
  for (int start = 0; start < kEntries; start += kBatch) {
    std::vector<Value> docs;
    docs.reserve(kBatch);
    for (int i = start; i < start + kBatch; ++i) {
      Value doc = Value::object();
      doc.set("name", Value::string("name-" + std::to_string(i % 10)));
      doc.set("data", Value::string("entry " + std::to_string(i)));
      doc.set("seq", Value::integer(i));
      doc.set("created_at", core::mongo::date(kBase + i));
      doc.set("updated_at", core::mongo::date(kBase + i));
      docs.push_back(std::move(doc));
    }
    EXPECT_EQ(co_await c->insert_many(coll, std::move(docs)), static_cast<std::size_t>(kBatch));
  }
}

template <class T>
double ms_since(T t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Task<void> newest_first_plan(Client* c, std::string coll) {
  co_await fill(c, coll);

  auto t0 = std::chrono::steady_clock::now();
  auto docs = co_await c->find(coll, newest_first(kLimit));
  double sorted_ms = ms_since(t0);
  EXPECT_EQ(docs.size(), static_cast<std::size_t>(kLimit));
  for (std::size_t i = 0; i < docs.size(); ++i) {
    EXPECT_EQ(docs[i].get("seq").as_int(), kEntries - 1 - static_cast<std::int64_t>(i));
  }
  if (!docs.empty()) {
    EXPECT_EQ(docs[0].get("created_at").as_string(),
              core::mongo::format_rfc3339(kBase + kEntries - 1));
  }

  Value plan = co_await c->explain(coll, newest_first(kLimit));
  if (is_ferretdb(plan)) {
    std::string sql = plan_text(plan);
    // The order comes from the capped collection's record id (its primary key), walked
    // backwards: no sort step in SQLite nor PostgreSQL.
    EXPECT_EQ(plan.get("sortPushdown").as_bool(), true) << plan.dump();
    if (is_postgresql_plan(plan)) {
      EXPECT_EQ(sql.find("\"Sort\""), std::string::npos) << sql;
      EXPECT_NE(sql.find("\"Index Scan\""), std::string::npos) << sql;
      EXPECT_NE(sql.find("\"Backward\""), std::string::npos) << sql;
    } else {
      EXPECT_EQ(sql.find("TEMP B-TREE"), std::string::npos) << sql;
      EXPECT_NE(sql.find("SCAN"), std::string::npos) << sql;
    }
    // Recorded, not asserted: FerretDB v1.24 applies the limit after its handler has read
    // the sorted rows (limitPushdown false), see docs/mongo.md.
    t0 = std::chrono::steady_clock::now();
    FindQuery plain;
    plain.limit = kLimit;
    auto first = co_await c->find(coll, plain);
    double plain_ms = ms_since(t0);
    Value plain_plan = co_await c->explain(coll, plain);
    std::printf("[ info ] FerretDB newest-first: sortPushdown=%s limitPushdown=%s plan=%s",
                plan.get("sortPushdown").dump().c_str(), plan.get("limitPushdown").dump().c_str(),
                sql.c_str());
    std::printf(
        "[ info ] oldest-first (no sort): limitPushdown=%s; find %.1f ms vs %.1f ms "
        "newest-first over %d entries\n",
        plain_plan.get("limitPushdown").dump().c_str(), plain_ms, sorted_ms, kEntries);
    EXPECT_EQ(first.size(), static_cast<std::size_t>(kLimit));
  } else {
    // MongoDB: a backward collection scan that stops after `limit` documents.
    Value stats = plan.get("executionStats");
    auto examined = stats.get("totalDocsExamined").as_int();
    EXPECT_TRUE(examined.has_value()) << plan.dump();
    EXPECT_LE(examined.value_or(kEntries), kLimit) << plan.dump();
  }

  // The name filter: FerretDB pushes down only {_id: <scalar>}; MongoDB examines entries
  // backwards until `limit` of them match (here every 10th).
  FindQuery by_name = newest_first(kLimit);
  by_name.filter = object("name", Value::string("name-3"));
  Value name_plan = co_await c->explain(coll, by_name);
  docs = co_await c->find(coll, by_name);
  EXPECT_EQ(docs.size(), static_cast<std::size_t>(kLimit));
  if (!docs.empty()) EXPECT_EQ(docs[0].get("seq").as_int(), kEntries - 7);
  if (is_ferretdb(name_plan)) {
    std::printf("[ info ] FerretDB name filter: filterPushdown=%s sortPushdown=%s\n",
                name_plan.get("filterPushdown").dump().c_str(),
                name_plan.get("sortPushdown").dump().c_str());
  } else {
    auto examined = name_plan.get("executionStats").get("totalDocsExamined").as_int();
    EXPECT_LE(examined.value_or(kEntries), kLimit * 10 + 10) << name_plan.dump();
  }
}

TEST_F(MongoQueryPlan, NewestFirstOver100kIsServedInRecordOrder) {
  core::run_sync(newest_first_plan(client.get(), collection));
}

Task<void> natural_needs_capped(Client* c, std::string coll) {
  Value doc = Value::object();
  doc.set("name", Value::string("plain"));
  co_await c->insert(coll, doc);
  Value plan = co_await c->explain(coll, FindQuery{});
  if (!is_ferretdb(plan)) co_return;  // MongoDB serves $natural on any collection
  bool refused = false;
  try {
    co_await c->find(coll, newest_first(kLimit));
  } catch (const core::mongo::Error& e) {
    refused = true;
    std::printf("[ info ] %s\n", e.what());
  }
  EXPECT_TRUE(refused) << "FerretDB now sorts by $natural on a non-capped collection";
}

TEST_F(MongoQueryPlan, FerretDbNaturalSortNeedsACappedCollection) {
  core::run_sync(natural_needs_capped(client.get(), collection));
}

}  // namespace
