#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/mongo/client.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "tests/core/mongo/mongo_fixture.hpp"

namespace {

using core::Task;
using core::mongo::Client;
using core::mongo::FindQuery;
using mongo_test::Latch;
using mongo_test::MongoTest;
using wire::json::Value;

constexpr std::int64_t kCreated = 1700000000123;  // 2023-11-14T22:13:20.123Z

Value entry(std::string name, std::string data, std::int64_t ms) {
  Value doc = Value::object();
  doc.set("name", Value::string(name));
  doc.set("data", Value::string(data));
  doc.set("created_at", core::mongo::date(ms));
  doc.set("updated_at", core::mongo::date(ms));
  return doc;
}

Value with_id(Value doc, std::string id) {
  doc.set("_id", Value::string(id));
  return doc;
}

Value object(std::string key, Value v) {
  Value o = Value::object();
  o.set(key, std::move(v));
  return o;
}

Task<std::size_t> count(Client* c, std::string coll) {
  FindQuery q;
  q.projection = object("_id", Value::integer(1));
  auto docs = co_await c->find(std::move(coll), std::move(q));
  co_return docs.size();
}

TEST(MongoDocument, FormatsRfc3339InUtcWithMilliseconds) {
  EXPECT_EQ(core::mongo::format_rfc3339(kCreated), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(core::mongo::format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(core::mongo::format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
}

Task<void> round_trip(Client* c, std::string coll) {
  co_await c->insert(coll, with_id(entry("event", "hello", kCreated), "rt-1"));
  co_await c->insert(coll, entry("other", "no id given", kCreated + 1000));

  FindQuery by_id;
  by_id.filter = object("_id", Value::string("rt-1"));
  auto docs = co_await c->find(coll, by_id);
  EXPECT_EQ(docs.size(), 1u);
  if (docs.size() != 1) co_return;
  EXPECT_EQ(docs[0].get("name").as_string(), "event");
  EXPECT_EQ(docs[0].get("data").as_string(), "hello");
  EXPECT_EQ(docs[0].get("created_at").as_string(), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(docs[0].get("updated_at").as_string(), "2023-11-14T22:13:20.123Z");

  // Stored as BSON dates, not strings: a date range matches them.
  FindQuery later;
  later.filter = object("created_at", object("$gt", core::mongo::date(kCreated)));
  docs = co_await c->find(coll, later);
  EXPECT_EQ(docs.size(), 1u);
  if (docs.size() != 1) co_return;
  EXPECT_EQ(docs[0].get("name").as_string(), "other");
  EXPECT_EQ(docs[0].get("created_at").as_string(), "2023-11-14T22:13:21.123Z");
  auto oid = docs[0].get("_id").as_string();  // the driver generated an ObjectId: hex
  EXPECT_TRUE(oid.has_value());
  if (!oid) co_return;
  EXPECT_EQ(oid->size(), 24u);
  EXPECT_EQ(oid->find_first_not_of("0123456789abcdef"), std::string_view::npos);
}

TEST_F(MongoTest, RoundTripKeepsDatesAsRfc3339) {
  core::run_sync(round_trip(client.get(), collection));
}

Task<void> insert_one(Client* c, std::string coll, int i, Latch* latch, int* failed) {
  try {
    co_await c->insert(coll, entry("load", "entry " + std::to_string(i), kCreated + i));
  } catch (const std::exception& e) {
    ++*failed;
    ADD_FAILURE() << e.what();
  }
  ++latch->done;
}

Task<void> many_concurrent(Client* c, std::string coll, int n) {
  Latch latch{n};
  int failed = 0;
  for (int i = 0; i < n; ++i) core::spawn(insert_one(c, coll, i, &latch, &failed));
  co_await latch.wait();
  EXPECT_EQ(latch.done, n);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(co_await count(c, coll), static_cast<std::size_t>(n));
}

TEST_F(MongoTest, ThousandConcurrentInsertsOnOneLoopAllStored) {
  core::run_sync(many_concurrent(client.get(), collection, 1000));
}

Task<void> idempotent(Client* c, std::string coll) {
  Value doc = with_id(entry("once", "delivered twice", kCreated), "idem-1");
  co_await c->insert(coll, doc);
  co_await c->insert(coll, doc);  // same _id: success, no second entry
  EXPECT_EQ(co_await count(c, coll), 1u);

  // Within one batch, and against what is already stored.
  std::vector<Value> batch{with_id(entry("b", "x", kCreated), "idem-2"),
                           with_id(entry("b", "x", kCreated), "idem-2"),
                           with_id(entry("b", "y", kCreated), "idem-3"), doc};
  EXPECT_EQ(co_await c->insert_many(coll, batch), 2u);
  EXPECT_EQ(co_await count(c, coll), 3u);
  EXPECT_EQ(co_await c->insert_many(coll, batch), 0u);  // all there already: still success
  EXPECT_EQ(co_await count(c, coll), 3u);
}

TEST_F(MongoTest, SameIdTwiceStoresOnceAndBothSucceed) {
  core::run_sync(idempotent(client.get(), collection));
}

Task<void> refused_doc(Client* c, std::string coll) {
  // An array _id is refused by the server; the rest of the batch is stored.
  Value bad = entry("bad", "array id", kCreated);
  Value ids = Value::array();
  ids.push(Value::integer(1));
  bad.set("_id", ids);
  auto outcome = co_await c->insert_batch(
      coll, {entry("ok", "1", kCreated), bad, with_id(entry("ok", "2", kCreated), "ok-2")});
  EXPECT_EQ(outcome.inserted, 2u);
  EXPECT_EQ(outcome.failed.size(), 1u);
  if (outcome.failed.size() != 1) co_return;
  EXPECT_EQ(outcome.failed[0].first, 1u);
  EXPECT_EQ(outcome.failed[0].second.kind(), core::mongo::Error::Kind::server);
  bool threw = false;
  try {
    co_await c->insert_many(coll, {bad});
  } catch (const core::mongo::Error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
}

TEST_F(MongoTest, RefusedDocumentFailsAloneInABatch) {
  core::run_sync(refused_doc(client.get(), collection));
}

Task<void> insert_or_refuse(Client* c, std::string coll, int i, Latch* latch, int* stored,
                            int* refused) {
  try {
    co_await c->insert(coll, entry("busy", std::to_string(i), kCreated));
    ++*stored;
  } catch (const core::PoolFull&) {
    ++*refused;
  }
  ++latch->done;
}

Task<void> overflow(Client* c, std::string coll, int n) {
  Latch latch{n};
  int stored = 0;
  int refused = 0;
  // All spawned in one turn of the loop: one thread, a queue of 4, the rest is refused.
  for (int i = 0; i < n; ++i) core::spawn(insert_or_refuse(c, coll, i, &latch, &stored, &refused));
  EXPECT_GT(refused, 0);
  co_await latch.wait();
  EXPECT_EQ(stored + refused, n);
  EXPECT_GE(stored, 4);
  EXPECT_EQ(co_await count(c, coll), static_cast<std::size_t>(stored));
}

class MongoSmallPool : public MongoTest {
  core::mongo::Options options() const override {
    auto o = MongoTest::options();
    o.threads = 1;
    o.queue = 4;
    return o;
  }
};

TEST_F(MongoSmallPool, FullQueueThrowsPoolFull) {
  core::run_sync(overflow(client.get(), collection, 40));
}

Task<bool> ping(Client* c) { co_return co_await c->ping(); }

TEST_F(MongoTest, PingAnswers) { EXPECT_TRUE(core::run_sync(ping(client.get()))); }

TEST_F(MongoTest, DefaultsAreAddedToTheUrl) {
  std::string url = client->effective_url();
  for (const char* opt : {"retrywrites=false", "serverselectiontimeoutms=", "sockettimeoutms=",
                          "maxpoolsize=", "waitqueuetimeoutms="}) {
    std::string lower = url;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_NE(lower.find(opt), std::string::npos) << url;
  }
  EXPECT_EQ(url.find("compressors"), std::string::npos) << url;
}

TEST(MongoClient, MalformedUrlNamesTheVariable) {
  core::mongo::Options o;
  o.url = "http://not-mongo";
  try {
    Client c(o);
    ADD_FAILURE() << "accepted " << o.url;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("MONGO_URL"), std::string::npos) << e.what();
  }
}

}  // namespace
