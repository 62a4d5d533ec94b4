// Fills a log collection with entries shaped like the logger's, fast (unordered insert_many of
// 1,000 documents, several in flight), and times newest-first reads against it. For measuring
// GET /logs against a long history (bench/log_store.sh).
//
//   MONGO_URL=... build/bin/log_fill fill  DATABASE COLLECTION COUNT
//   MONGO_URL=... build/bin/log_fill probe DATABASE COLLECTION natural|created_at [REPEAT]
//   MONGO_URL=... build/bin/log_fill count DATABASE COLLECTION   (documents, from collStats)
//
// probe prints one line per read: the milliseconds it took and the documents it returned
// (limit 50, newest first by $natural - capped collections only - or by created_at).
#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/mongo/client.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace {

using core::Task;
using core::mongo::Client;
using wire::json::Value;

constexpr int kBatch = 1000;
constexpr int kInFlight = 4;

struct Fill {
  long long next = 0;
  long long count = 0;
  int running = 0;
  int failed = 0;
};

Task<void> filler(Client* c, std::string coll, Fill* f) {
  while (f->next < f->count) {
    long long start = f->next;
    long long end = std::min(f->count, start + kBatch);
    f->next = end;
    std::vector<Value> docs;
    docs.reserve(static_cast<std::size_t>(end - start));
    std::int64_t now = core::mongo::now_ms();
    for (long long i = start; i < end; ++i) {
      Value doc = Value::object();
      doc.set("name", Value::string("fill"));
      doc.set("data", Value::string("history entry " + std::to_string(i)));
      doc.set("created_at", core::mongo::date(now));
      doc.set("updated_at", core::mongo::date(now));
      docs.push_back(std::move(doc));
    }
    try {
      co_await c->insert_many(coll, std::move(docs));
    } catch (const std::exception& e) {
      fmt::print(stderr, "insert_many: {}\n", e.what());
      ++f->failed;
    }
  }
  --f->running;
}

Task<int> fill(Client* c, std::string coll, long long count) {
  if (count <= 0) co_return 0;
  Fill f;
  f.count = count;
  f.running = kInFlight;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kInFlight; ++i) core::spawn(filler(c, coll, &f));
  while (f.running > 0) co_await core::sleep(std::chrono::milliseconds(5));
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("filled {} entries into {} in {:.1f} s ({:.0f}/s), {} failed batches\n", count, coll, s,
             static_cast<double>(count) / s, f.failed);
  co_return f.failed == 0 ? 0 : 1;
}

Task<int> probe(Client* c, std::string coll, std::string by, int repeat) {
  core::mongo::FindQuery q;
  q.sort = Value::object();
  q.sort.set(by == "natural" ? "$natural" : "created_at", Value::integer(-1));
  q.limit = 50;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto docs = co_await c->find(coll, q);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("probe {} by {}: {:.1f} ms, {} documents\n", coll, by, ms, docs.size());
  }
  co_return 0;
}

// From the server's statistics: FerretDB's `count` reads every document.
Task<int> count(Client* c, std::string coll) {
  Value cmd = Value::object();
  cmd.set("collStats", Value::string(coll));
  auto reply = co_await c->command(std::move(cmd));
  Value n = reply.get("count");
  fmt::print("{}\n", n.as_int().value_or(static_cast<std::int64_t>(n.as_real().value_or(0))));
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* url = std::getenv("MONGO_URL");
  std::string mode = argc > 1 ? argv[1] : "";
  if (url == nullptr || argc < 4 || (mode != "fill" && mode != "probe" && mode != "count") ||
      (mode != "count" && argc < 5)) {
    fmt::print(stderr,
               "usage: MONGO_URL=... log_fill fill DATABASE COLLECTION COUNT\n"
               "       MONGO_URL=... log_fill probe DATABASE COLLECTION natural|created_at [REPEAT]\n"
               "       MONGO_URL=... log_fill count DATABASE COLLECTION\n");
    return 2;
  }
  core::mongo::Options o;
  o.url = url;
  o.database = argv[2];
  o.threads = kInFlight;
  o.deadline = std::chrono::seconds(300);
  Client client(o);
  if (mode == "count") return core::run_sync(count(&client, argv[3]));
  if (mode == "fill") return core::run_sync(fill(&client, argv[3], std::atoll(argv[4])));
  return core::run_sync(probe(&client, argv[3], argv[4], argc > 5 ? std::atoi(argv[5]) : 3));
}
