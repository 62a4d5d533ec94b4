// GET /logs must not get dearer as the history grows. The logger reads newest first from its
// capped window (<collection>_recent), never from the history: these tests fill the history to
// 100,000 and then 1,000,000 entries and count the work one read does at each size — from the
// server's plan and the documents the read goes through — not from a timer (latency is
// printed, not asserted). See docs/mongo.md.
//
// History sizes: LOG_WINDOW_TEST_HISTORY (default "10000,100000", what scripts/test can afford;
// LOG_WINDOW_TEST_HISTORY=100000,1000000 for the sizes docs/mongo.md reports).
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "core/runtime/spawn.hpp"
#include "services/logger/store.hpp"
#include "tests/core/mongo/mongo_fixture.hpp"

namespace {

using core::Task;
using core::mongo::Client;
using wire::json::Value;

constexpr std::int64_t kWindow = 1000;  // LOG_RECENT_MAX's smallest value
constexpr std::size_t kLimit = 50;
constexpr int kBatch = 1000;

std::vector<long long> history_steps() {
  const char* env = std::getenv("LOG_WINDOW_TEST_HISTORY");
  std::string text = (env != nullptr && *env != '\0') ? env : "10000,100000";
  std::vector<long long> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoll(item));
  return out;
}

class LoggerWindow : public mongo_test::MongoTest {
 protected:
  core::mongo::Options options() const override {
    auto o = MongoTest::options();
    o.database = "logwindowtest";
    o.threads = 4;
    o.deadline = std::chrono::seconds(120);
    o.url = mongo_test::with_option(o.url, "socketTimeoutMS", "120000");
    return o;
  }

  void TearDown() override {
    if (client) core::run_sync(client->drop(collection + "_recent"));
    MongoTest::TearDown();
  }

  logger::Settings settings() const {
    logger::Settings s;
    s.collection = collection;
    s.recent = collection + "_recent";
    s.recent_docs = kWindow;
    s.timeout = std::chrono::seconds(120);
    return s;
  }
};

// The history grows by insert_many (as the logger's group commit would write it, faster).
Task<void> grow_history(Client* c, std::string coll, long long from, long long to) {
  struct Shared {
    long long next;
    long long to;
    int running = 0;
  } sh{from, to};
  auto filler = [](Client* c, std::string coll, Shared* sh) -> Task<void> {
    while (sh->next < sh->to) {
      long long start = sh->next;
      long long end = std::min(sh->to, start + kBatch);
      sh->next = end;
      std::vector<Value> docs;
      std::int64_t now = core::mongo::now_ms();
      for (long long i = start; i < end; ++i) {
        Value d = Value::object();
        d.set("name", Value::string("history"));
        d.set("data", Value::string("entry " + std::to_string(i)));
        d.set("created_at", core::mongo::date(now));
        d.set("updated_at", core::mongo::date(now));
        docs.push_back(std::move(d));
      }
      EXPECT_EQ(co_await c->insert_many(coll, std::move(docs)), static_cast<std::size_t>(end - start));
    }
    --sh->running;
  };
  for (int i = 0; i < 4; ++i) {
    ++sh.running;
    core::spawn(filler(c, coll, &sh));
  }
  while (sh.running > 0) co_await core::sleep(std::chrono::milliseconds(5));
}

// Documents in coll. `count` is exact (FerretDB reads every document for it: fine for the
// window); `collStats` answers from the server's statistics, fast at any size.
Task<std::int64_t> count(Client* c, std::string coll, bool exact = true) {
  Value cmd = Value::object();
  cmd.set(exact ? "count" : "collStats", Value::string(coll));
  Value reply = co_await c->command(std::move(cmd));
  Value n = reply.get(exact ? "n" : "count");
  co_return n.as_int().value_or(static_cast<std::int64_t>(n.as_real().value_or(-1)));
}

// Writes `n` entries through the store (history + window), labelled with the step.
Task<void> write_entries(logger::Store* store, int n, std::string label) {
  mongo_test::Latch latch;
  latch.expected = n;
  auto one = [](logger::Store* s, std::string data, mongo_test::Latch* l) -> Task<void> {
    co_await s->add(wire::contracts::LogPayload{"window", std::move(data)}, "");
    ++l->done;
  };
  for (int i = 0; i < n; ++i) core::spawn(one(store, label + " " + std::to_string(i), &latch));
  co_await latch.wait(std::chrono::seconds(120));
  EXPECT_EQ(latch.done, n);
}

// Polls until FerretDB's capped-collection sweep has trimmed the window (it runs on a timer;
// MongoDB trims on insert).
Task<std::int64_t> trimmed_window(Client* c, std::string recent) {
  std::int64_t n = -1;
  for (int i = 0; i < 600; ++i) {
    n = co_await count(c, recent);
    if (n >= 0 && n <= kWindow) break;
    co_await core::sleep(std::chrono::milliseconds(100));
  }
  co_return n;
}

struct Step {
  long long history = 0;
  std::int64_t window_docs = 0;  // documents the read goes through (FerretDB reads them all)
  std::int64_t examined = -1;    // MongoDB: executionStats.totalDocsExamined
  double read_ms = 0;
};

Task<void> window_stays_flat(Client* c, logger::Settings s, std::vector<long long> steps) {
  logger::Store store(std::shared_ptr<Client>(c, [](Client*) {}), s);
  std::vector<Step> out;
  long long have = 0;
  for (long long target : steps) {
    co_await grow_history(c, s.collection, have, target);
    have = target;
    // More than the window holds, so the window is full and must have been trimmed.
    std::string label = "step " + std::to_string(target);
    co_await write_entries(&store, static_cast<int>(kWindow + kWindow / 2), label);
    std::int64_t history = co_await count(c, s.collection, false);  // an estimate on PostgreSQL
    EXPECT_GE(history, target * 9 / 10);

    Step st;
    st.history = target;
    st.window_docs = co_await trimmed_window(c, s.recent);
    // Trimmed to its document cap and no further: a byte cap that binds would go on deleting
    // a tenth of the window every sweep (FerretDB on PostgreSQL counts dead rows' space).
    co_await core::sleep(std::chrono::seconds(3));
    EXPECT_GE(co_await count(c, s.recent), kWindow * 95 / 100) << "the window shrank below its cap";
    auto t0 = std::chrono::steady_clock::now();
    auto entries = co_await store.recent(kLimit, std::nullopt);
    st.read_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    // Newest first: the last entries written in this step, in reverse.
    EXPECT_EQ(entries.size(), kLimit);
    if (!entries.empty()) {
      EXPECT_EQ(entries.front().data.rfind(label + " ", 0), 0u) << entries.front().data;
    }

    Value plan = co_await c->explain(s.recent, logger::recent_query(kLimit, std::nullopt));
    if (plan.get("sortPushdown").present()) {
      // FerretDB: the order comes from the capped collection's record id (no sort in the
      // handler); the limit is applied after reading the collection, which is the window.
      // (PostgreSQL may plan a small window as Seq Scan + Sort: the rows are the window's.)
      EXPECT_EQ(plan.get("sortPushdown").as_bool(), true) << plan.dump();
      std::string text = plan.get("queryPlanner").dump();
      EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << text;  // SQLite
    } else {
      st.examined = plan.get("executionStats").get("totalDocsExamined").as_int().value_or(-1);
    }
    out.push_back(st);
  }

  for (const auto& st : out) {
    std::printf("[ info ] history %lld: window %lld documents, examined %lld, read %.1f ms\n", st.history,
                static_cast<long long>(st.window_docs), static_cast<long long>(st.examined), st.read_ms);
    // The work one read does is bounded by the window, whatever the history holds.
    EXPECT_GE(st.window_docs, static_cast<std::int64_t>(kLimit));
    EXPECT_LE(st.window_docs, kWindow);
    if (st.examined >= 0) EXPECT_LE(st.examined, static_cast<std::int64_t>(kLimit));
  }
  if (out.size() >= 2) EXPECT_LE(out.back().window_docs, out.front().window_docs + kWindow / 10);
}

TEST_F(LoggerWindow, ReadWorkIsFlatAsTheHistoryGrows) {
  auto steps = history_steps();
  ASSERT_FALSE(steps.empty());
  core::run_sync(window_stays_flat(client.get(), settings(), steps));
}

}  // namespace
