#pragma once
// Internal to core/pg: a pool's sizes in pg_pool_connections, pg_pool_requests_in_flight and
// pg_pool_waiting, and pg_pool_wait_seconds (how long a request waited for a slot). A pool
// lives on one worker's loop; each adds its own share to the process-wide gauges, so the
// gauges are the sums over the workers.
#include <cstddef>

#include "core/metrics/metrics.hpp"

namespace core::pg {

class PoolMetrics {
 public:
  PoolMetrics();

  /// Replaces this pool's share with the given numbers.
  void publish(std::size_t live, std::size_t in_flight, std::size_t waiting) noexcept {
    live_.set(static_cast<double>(live));
    in_flight_.set(static_cast<double>(in_flight));
    waiting_.set(static_cast<double>(waiting));
  }
  void observe_wait(double seconds) noexcept { wait_.observe(seconds); }

 private:
  metrics::GaugeShare live_;
  metrics::GaugeShare in_flight_;
  metrics::GaugeShare waiting_;
  metrics::Histogram& wait_;
};

}  // namespace core::pg
