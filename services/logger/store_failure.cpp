#include "services/logger/store_failure.hpp"

#include "core/log/log.hpp"
#include "core/mongo/client.hpp"
#include "core/runtime/cancel.hpp"
#include "core/runtime/thread_pool.hpp"

namespace logger {

namespace lc = wire::contracts;

StoreFailure describe_store_failure(const std::exception_ptr& error) {
  using Kind = StoreFailure::Kind;
  try {
    std::rethrow_exception(error);
  } catch (const core::TimeoutError&) {
    return {Kind::timed_out, lc::kStoreTimedOut};
  } catch (const core::PoolFull&) {
    return {Kind::busy, lc::kStoreBusy};
  } catch (const core::mongo::Error& e) {
    if (e.kind() == core::mongo::Error::Kind::unavailable) return {Kind::unavailable, lc::kStoreUnavailable};
    core::log::error("store failed: {}", e.what());
  } catch (const std::exception& e) {
    core::log::error("store failed: {}", e.what());
  }
  return {Kind::failed, lc::kStoreFailed};
}

}  // namespace logger
