// A failed store means the same on every transport: unreachable or full → unavailable, its
// deadline → timed out, anything else → failed, each with the contract's text.
#include "services/logger/store_failure.hpp"

#include <gtest/gtest.h>

#include "core/mongo/error.hpp"
#include "core/runtime/cancel.hpp"
#include "core/runtime/thread_pool.hpp"

namespace logger {
namespace {

using Kind = StoreFailure::Kind;

StoreFailure of(std::exception_ptr e) { return describe_store_failure(e); }

TEST(LoggerStoreFailure, EachFailureHasItsKindAndContractText) {
  auto down = of(std::make_exception_ptr(core::mongo::Error(core::mongo::Error::Kind::unavailable, 0, 0, "x")));
  EXPECT_EQ(down.kind, Kind::unavailable);
  EXPECT_EQ(down.message, wire::contracts::kStoreUnavailable);
  auto busy = of(std::make_exception_ptr(core::PoolFull("mongo")));
  EXPECT_EQ(busy.kind, Kind::busy);
  EXPECT_EQ(busy.message, wire::contracts::kStoreBusy);
  auto slow = of(std::make_exception_ptr(core::TimeoutError()));
  EXPECT_EQ(slow.kind, Kind::timed_out);
  EXPECT_EQ(slow.message, wire::contracts::kStoreTimedOut);
  auto other = of(std::make_exception_ptr(std::runtime_error("disk full")));
  EXPECT_EQ(other.kind, Kind::failed);
  EXPECT_EQ(other.message, wire::contracts::kStoreFailed);
}

}  // namespace
}  // namespace logger
