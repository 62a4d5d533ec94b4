#pragma once
/// @file
/// A GoogleTest test whose body is a coroutine, run to its end on a fresh loop (run_sync):
///
///     CORO_TEST(HttpServer, KeepAlive) {
///       Server server(...);
///       auto r = co_await client.get(url);
///       EXPECT_EQ(r.status, 200);
///     }
///
///     CORO_TEST_P(RpcTest, Calls, Codec codec) { ... }   // the parameter, from GetParam()
#include <gtest/gtest.h>

#include "core/runtime/run.hpp"
#include "core/runtime/task.hpp"

#define CORO_TEST(suite, name)                                               \
  static ::core::Task<void> suite##_##name##_coro();                         \
  TEST(suite, name) { ::core::run_sync(suite##_##name##_coro()); }           \
  static ::core::Task<void> suite##_##name##_coro()

#define CORO_TEST_P(fixture, name, param)                                    \
  static ::core::Task<void> fixture##_##name##_coro(param);                  \
  TEST_P(fixture, name) { ::core::run_sync(fixture##_##name##_coro(GetParam())); } \
  static ::core::Task<void> fixture##_##name##_coro(param)
