#pragma once
// Internal to core/pg: pg_queries_total{statement, outcome}, one counter per statement name and
// outcome. The cells are looked up once per name and kept (a pool lives on one loop: no lock).
#include <array>
#include <exception>
#include <unordered_map>

#include "core/metrics/metrics.hpp"

namespace core::pg {

class QueryMetrics {
 public:
  enum Outcome { kOk, kError, kConnectionError, kPoolTimeout, kCancelled, kOutcomes };

  /// What a request's end (null: success) counts as.
  static Outcome outcome_of(const std::exception_ptr& error);
  void record(const char* statement, Outcome outcome);

 private:
  // Keyed by the name's address: statement names are constants (two copies of one name get two
  // entries pointing at the same cells).
  std::unordered_map<const char*, std::array<metrics::Counter*, kOutcomes>> cells_;
};

}  // namespace core::pg
