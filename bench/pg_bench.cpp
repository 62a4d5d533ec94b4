// Queries per second through core::pg::Pool for a prepared `select $1::int`, 256 concurrent
// coroutines on one loop, without pipelining (depth 1) and with it (depth 64); then pgbench on
// the same server in the same run, for reference.
//   source .run/test/env; build/bin/pg_bench [seconds per case, default 5]
// Needs DSN; pgbench comes from PGBENCH or the PostgreSQL 15 package's bin directory.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/pg/pool.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace {

using core::Task;
namespace pg = core::pg;

inline constexpr pg::Statement kSelect{"bench_select", "select $1::int", 1};
constexpr int kConcurrency = 256;

struct Counts {
  long ok = 0;
  long failed = 0;
  int running = 0;
};

Task<void> client(pg::Pool* pool, std::uint64_t until_ms, int id, Counts* counts) {
  std::string param = std::to_string(id);
  while (core::Loop::current().now_ms() < until_ms) {
    try {
      co_await pool->execute(kSelect, {param});
      counts->ok++;
    } catch (const std::exception&) {
      counts->failed++;
    }
  }
  counts->running--;
}

Task<double> measure(std::string dsn, std::size_t size, std::size_t depth, int seconds) {
  pg::PoolOptions o;
  o.dsn = std::move(dsn);
  o.size = size;
  o.max_pipeline_depth = depth;
  o.max_waiting = 4096;
  o.acquire_timeout = std::chrono::seconds(10);
  pg::Pool pool(o);
  if (!co_await pool.ping()) co_return -1;
  while (pool.stats().live < size) co_await core::sleep(core::Duration(10));
  // Warm up: prepare on every connection.
  Counts warm;
  warm.running = kConcurrency;
  std::uint64_t until = core::Loop::current().now_ms() + 300;
  for (int i = 0; i < kConcurrency; ++i) core::spawn(client(&pool, until, i, &warm));
  while (warm.running > 0) co_await core::sleep(core::Duration(5));

  Counts counts;
  counts.running = kConcurrency;
  auto t0 = std::chrono::steady_clock::now();
  until = core::Loop::current().now_ms() + static_cast<std::uint64_t>(seconds) * 1000;
  for (int i = 0; i < kConcurrency; ++i) core::spawn(client(&pool, until, i, &counts));
  while (counts.running > 0) co_await core::sleep(core::Duration(5));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (counts.failed) std::fprintf(stderr, "  %ld failed\n", counts.failed);
  co_return counts.ok / elapsed;
}

double run_pgbench(int seconds) {
  std::string bin =
      std::getenv("PGBENCH") ? std::getenv("PGBENCH") : "/usr/lib/postgresql/15/bin/pgbench";
  if (!std::filesystem::exists(bin)) return -1;
  auto script = std::filesystem::temp_directory_path() / "pg_bench_select.sql";
  if (FILE* f = std::fopen(script.c_str(), "w")) {
    std::fputs("select 1;\n", f);
    std::fclose(f);
  }
  // pgbench takes the connection from the same conninfo: PG* variables are not needed.
  std::string cmd = bin + " -n -M prepared -c 16 -j 2 -T " + std::to_string(seconds) + " -f " +
                    script.string() + " \"" + std::getenv("DSN") + "\" 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  double tps = -1;
  char line[512];
  while (std::fgets(line, sizeof line, p)) {
    double v = 0;
    if (std::sscanf(line, "tps = %lf", &v) == 1) tps = v;
  }
  pclose(p);
  return tps;
}

}  // namespace

int main(int argc, char** argv) {
  const char* dsn = std::getenv("DSN");
  if (!dsn) {
    std::fprintf(stderr, "DSN is not set (source .run/test/env)\n");
    return 2;
  }
  int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
  struct Case {
    const char* what;
    std::size_t size;
    std::size_t depth;
  } cases[] = {
      {"pool 4 x depth 1  (no pipelining)", 4, 1},
      {"pool 4 x depth 64 (pipelined)    ", 4, 64},
      {"pool 1 x depth 64 (pipelined)    ", 1, 64},
  };
  std::printf("prepared `select $1::int`, %d coroutines on one loop, %d s per case\n", kConcurrency,
              seconds);
  for (const Case& c : cases) {
    double qps = core::run_sync(measure(dsn, c.size, c.depth, seconds));
    std::printf("  %s  %10.0f queries/s\n", c.what, qps);
  }
  double tps = run_pgbench(seconds);
  if (tps > 0) {
    std::printf("  pgbench -M prepared -c 16 -j 2 -f select1  %10.0f queries/s\n", tps);
  } else {
    std::printf("  pgbench not run (not found or failed)\n");
  }
  return 0;
}
