#include "core/pg/query_metrics.hpp"

#include "core/metrics/registry.hpp"
#include "core/pg/error.hpp"
#include "core/runtime/cancel.hpp"

namespace core::pg {

QueryMetrics::Outcome QueryMetrics::outcome_of(const std::exception_ptr& error) {
  if (!error) return kOk;
  try {
    std::rethrow_exception(error);
  } catch (const ConnectionError&) {
    return kConnectionError;
  } catch (const PoolTimeout&) {
    return kPoolTimeout;
  } catch (const Cancelled&) {
    return kCancelled;
  } catch (...) {
    return kError;
  }
}

void QueryMetrics::record(const char* statement, Outcome outcome) {
  static constexpr const char* kNames[kOutcomes] = {"ok", "error", "connection_error",
                                                    "pool_timeout", "cancelled"};
  auto [it, fresh] = cells_.try_emplace(statement);
  if (fresh) it->second.fill(nullptr);
  metrics::Counter*& cell = it->second[outcome];
  if (!cell) {
    cell = &metrics::registry().counter("pg_queries_total",
                                        "PostgreSQL requests by statement name and outcome",
                                        {{"statement", statement}, {"outcome", kNames[outcome]}});
  }
  cell->inc();
}

}  // namespace core::pg
