// Inserts per second against the server in MONGO_URL: one insert per round trip versus
// GroupCommit, both driven by 256 concurrent coroutines on one loop.
//   MONGO_URL=... build/bin/mongo_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "core/mongo/client.hpp"
#include "core/mongo/group_commit.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace {

using core::Task;
using core::mongo::Client;
using core::mongo::GroupCommit;
using wire::json::Value;

constexpr int kConcurrency = 256;
constexpr int kDocs = 20000;

Value entry(int i) {
  std::int64_t now = core::mongo::now_ms();
  Value doc = Value::object();
  doc.set("name", Value::string("bench"));
  doc.set("data", Value::string("entry number " + std::to_string(i)));
  doc.set("created_at", core::mongo::date(now));
  doc.set("updated_at", core::mongo::date(now));
  return doc;
}

struct Run {
  int next = 0;
  int running = 0;
  int failed = 0;
};

Task<void> single_worker(Client* c, std::string coll, Run* run) {
  while (run->next < kDocs) {
    int i = run->next++;
    try {
      co_await c->insert(coll, entry(i));
    } catch (const std::exception&) {
      ++run->failed;
    }
  }
  --run->running;
}

Task<void> grouped_worker(GroupCommit* gc, Run* run) {
  while (run->next < kDocs) {
    int i = run->next++;
    try {
      co_await gc->add(entry(i));
    } catch (const std::exception&) {
      ++run->failed;
    }
  }
  --run->running;
}

Task<void> drive(Client* c, std::string coll, bool grouped) {
  Run run;
  run.running = kConcurrency;
  std::unique_ptr<GroupCommit> gc;
  if (grouped) gc = std::make_unique<GroupCommit>(*c, coll);
  for (int w = 0; w < kConcurrency; ++w) {
    if (grouped) {
      core::spawn(grouped_worker(gc.get(), &run));
    } else {
      core::spawn(single_worker(c, coll, &run));
    }
  }
  while (run.running > 0) co_await core::sleep(core::Duration(1));
  if (run.failed > 0) throw std::runtime_error(std::to_string(run.failed) + " inserts failed");
}

void insert(benchmark::State& state, bool grouped) {
  const char* url = std::getenv("MONGO_URL");
  if (url == nullptr) {
    state.SkipWithError("MONGO_URL is not set");
    return;
  }
  core::mongo::Options o;
  o.url = url;
  o.database = "bench";
  o.threads = static_cast<std::size_t>(state.range(0));
  Client client(o);
  int round = 0;
  for (auto _ : state) {
    std::string coll = "bench_" + std::string(grouped ? "grouped_" : "single_") +
                       std::to_string(o.threads) + "_" + std::to_string(round++);
    core::run_sync(drive(&client, coll, grouped));
    state.PauseTiming();
    core::run_sync(client.drop(coll));
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kDocs);
}

void BM_InsertSingle(benchmark::State& state) { insert(state, false); }
void BM_InsertGrouped(benchmark::State& state) { insert(state, true); }

BENCHMARK(BM_InsertSingle)
    ->Arg(4)
    ->Arg(16)
    ->Iterations(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InsertGrouped)->Arg(4)->Iterations(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
