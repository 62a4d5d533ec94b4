#include "core/pg/pool_metrics.hpp"

#include "core/metrics/registry.hpp"

namespace core::pg {

PoolMetrics::PoolMetrics()
    : live_(metrics::registry().gauge("pg_pool_connections",
                                      "PostgreSQL connections ready for traffic")),
      in_flight_(metrics::registry().gauge("pg_pool_requests_in_flight",
                                           "PostgreSQL requests sent and not yet answered")),
      waiting_(metrics::registry().gauge("pg_pool_waiting",
                                         "PostgreSQL requests waiting for a connection slot")),
      wait_(metrics::registry().histogram(
          "pg_pool_wait_seconds", "Time a PostgreSQL request waited for a connection slot")) {}

}  // namespace core::pg
