#include <gtest/gtest.h>

#include <string>

#include "core/mongo/group_commit.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "tests/core/mongo/mongo_fixture.hpp"

namespace {

using core::Task;
using core::mongo::Client;
using core::mongo::FindQuery;
using core::mongo::GroupCommit;
using core::mongo::GroupCommitOptions;
using mongo_test::Latch;
using mongo_test::MongoTest;
using wire::json::Value;

Value entry(int i, std::string id = {}) {
  Value doc = Value::object();
  if (!id.empty()) doc.set("_id", Value::string(id));
  doc.set("name", Value::string("grouped"));
  doc.set("data", Value::string("entry " + std::to_string(i)));
  doc.set("created_at", core::mongo::date(1700000000000 + i));
  doc.set("updated_at", core::mongo::date(1700000000000 + i));
  return doc;
}

Task<std::size_t> count(Client* c, std::string coll) {
  auto docs = co_await c->find(std::move(coll), FindQuery{});
  co_return docs.size();
}

struct Tally {
  Latch latch;
  int ok = 0;
  int pool_full = 0;
  int other = 0;
};

Task<void> add_one(GroupCommit* gc, Value doc, Tally* t) {
  try {
    co_await gc->add(std::move(doc));
    ++t->ok;
  } catch (const core::PoolFull&) {
    ++t->pool_full;
  } catch (const std::exception& e) {
    ++t->other;
    ADD_FAILURE() << e.what();
  }
  ++t->latch.done;
}

Task<void> grouped(Client* c, std::string coll, int n) {
  GroupCommit gc(*c, coll);
  Tally t{Latch{n}};
  for (int i = 0; i < n; ++i) core::spawn(add_one(&gc, entry(i), &t));
  co_await t.latch.wait();
  EXPECT_EQ(t.ok, n);
  EXPECT_EQ(gc.docs_sent(), static_cast<std::uint64_t>(n));
  EXPECT_LE(gc.batches_sent(), static_cast<std::uint64_t>(n / 5));
  EXPECT_EQ(gc.pending(), 0u);
  EXPECT_EQ(co_await count(c, coll), static_cast<std::size_t>(n));
  std::printf("[ info ] %d adds -> %llu batches\n", n,
              static_cast<unsigned long long>(gc.batches_sent()));
}

TEST_F(MongoTest, GroupCommitStoresAllInFewBatches) {
  core::run_sync(grouped(client.get(), collection, 500));
}

Task<void> duplicates_in_batch(Client* c, std::string coll) {
  GroupCommit gc(*c, coll);
  Tally t{Latch{13}};
  for (int i = 0; i < 3; ++i) core::spawn(add_one(&gc, entry(i, "same-id"), &t));
  for (int i = 0; i < 10; ++i) core::spawn(add_one(&gc, entry(i), &t));
  co_await t.latch.wait();
  EXPECT_EQ(t.ok, 13);  // each duplicate is a success for its own caller
  EXPECT_EQ(co_await count(c, coll), 11u);
}

TEST_F(MongoTest, GroupCommitDuplicateIdIsSuccessForEachCaller) {
  core::run_sync(duplicates_in_batch(client.get(), collection));
}

Task<void> add_expect_failure(GroupCommit* gc, Value doc, Tally* t) {
  try {
    co_await gc->add(std::move(doc));
    ++t->ok;
  } catch (const core::mongo::Error&) {
    ++t->other;
  }
  ++t->latch.done;
}

Task<void> own_outcome(Client* c, std::string coll) {
  GroupCommit gc(*c, coll);
  Tally good{Latch{5}};
  Tally bad{Latch{1}};
  Value refused = entry(99);
  refused.set("_id", Value::array());  // the server refuses an array _id
  for (int i = 0; i < 5; ++i) core::spawn(add_one(&gc, entry(i), &good));
  core::spawn(add_expect_failure(&gc, refused, &bad));
  co_await good.latch.wait();
  co_await bad.latch.wait();
  EXPECT_EQ(gc.batches_sent(), 1u);
  EXPECT_EQ(good.ok, 5);
  EXPECT_EQ(bad.other, 1);
  EXPECT_EQ(co_await count(c, coll), 5u);
}

TEST_F(MongoTest, GroupCommitEachAwaiterGetsItsOwnOutcome) {
  core::run_sync(own_outcome(client.get(), collection));
}

Task<void> bounded_pending(Client* c, std::string coll) {
  GroupCommitOptions o;
  o.max_pending = 10;
  GroupCommit gc(*c, coll, o);
  Tally t{Latch{30}};
  for (int i = 0; i < 30; ++i) core::spawn(add_one(&gc, entry(i), &t));
  EXPECT_EQ(t.pool_full, 20);  // refused at once, before any round trip
  co_await t.latch.wait();
  EXPECT_EQ(t.ok, 10);
  EXPECT_EQ(co_await count(c, coll), 10u);
}

TEST_F(MongoTest, GroupCommitFullThrowsPoolFull) {
  core::run_sync(bounded_pending(client.get(), collection));
}

Task<void> cancelled_before_sent(Client* c, std::string coll) {
  GroupCommitOptions o;
  o.max_wait = std::chrono::milliseconds(50);
  GroupCommit gc(*c, coll, o);
  bool timed_out = false;
  try {
    co_await core::with_timeout(gc.add(entry(1)), core::Duration(1));
  } catch (const core::TimeoutError&) {
    timed_out = true;
  }
  EXPECT_TRUE(timed_out);
  EXPECT_EQ(gc.pending(), 0u);
  co_await core::sleep(core::Duration(80));  // past max_wait: nothing left to send
  EXPECT_EQ(gc.batches_sent(), 0u);
  EXPECT_EQ(co_await count(c, coll), 0u);
}

TEST_F(MongoTest, GroupCommitCancelledAddIsNotSent) {
  core::run_sync(cancelled_before_sent(client.get(), collection));
}

}  // namespace

namespace {

// A mirror gets every document of every batch; each add resumes once both collections hold it.
Task<void> mirrored(Client* c, std::string coll, int n) {
  GroupCommitOptions o;
  o.mirror = coll + "_mirror";
  GroupCommit gc(*c, coll, o);
  Tally t{Latch{n}};
  for (int i = 0; i < n; ++i) core::spawn(add_one(&gc, entry(i), &t));
  co_await t.latch.wait();
  EXPECT_EQ(t.ok, n);
  EXPECT_LE(gc.batches_sent(), static_cast<std::uint64_t>(n / 5));
  EXPECT_EQ(co_await count(c, coll), static_cast<std::size_t>(n));
  EXPECT_EQ(co_await count(c, o.mirror), static_cast<std::size_t>(n));
  co_await c->drop(o.mirror);
}

TEST_F(MongoTest, GroupCommitMirrorGetsEveryBatch) {
  core::run_sync(mirrored(client.get(), collection, 300));
}

}  // namespace
