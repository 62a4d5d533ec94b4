#pragma once
// Shared by the *_pgtest.cpp files: the server comes from $DSN (tests skip without it), every
// test gets table names of its own, and a few waiting helpers for spawned coroutines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>

#include "core/pg/pool.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace pgtest {

using namespace std::chrono_literals;
using core::Task;

inline std::string dsn() {
  const char* v = std::getenv("DSN");
  return v ? v : "";
}

#define PG_TEST_REQUIRE_DSN()                                                               \
  do {                                                                                      \
    if (pgtest::dsn().empty()) {                                                            \
      GTEST_SKIP() << "DSN is not set: start the servers (scripts/servers start --profile " \
                      "test) and source .run/test/env";                                     \
    }                                                                                       \
  } while (0)

/// A table name no other test (or concurrent run) uses.
inline std::string unique_name(const char* base) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}();
  return std::string("t_") + base + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(salt % 100000) + "_" + std::to_string(counter++);
}

inline core::pg::PoolOptions options(std::size_t size = 2, std::size_t depth = 64) {
  core::pg::PoolOptions o;
  o.dsn = dsn();
  o.size = size;
  o.max_pipeline_depth = depth;
  o.acquire_timeout = 5s;
  return o;
}

/// Waits (on the loop) until pred() holds or `limit` passed; returns pred().
inline Task<bool> wait_until(std::function<bool()> pred, core::Duration limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred() && std::chrono::steady_clock::now() < deadline) co_await core::sleep(5ms);
  co_return pred();
}

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace pgtest
