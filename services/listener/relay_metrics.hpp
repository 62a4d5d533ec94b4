#pragma once
// The listener's counters for one queue, and its downstream latency, in the process-wide
// registry that /metrics renders. Cells are shared by every worker (relaxed atomics).
#include <string_view>

#include "core/metrics/metrics.hpp"
#include "services/listener/message.hpp"

namespace listener {

struct QueueMetrics {
  core::metrics::Counter& consumed;       ///< deliveries handled
  core::metrics::Counter& acked;          ///< accepted downstream, then acked
  core::metrics::Counter& retried;        ///< republished to a retry queue, then acked
  core::metrics::Counter& dead_lettered;  ///< republished to the dead-letter exchange, then acked
  core::metrics::Counter& requeued;       ///< given back to the queue (republish failed, drain)

  /// The cells labelled queue="<queue>".
  static QueueMetrics of(std::string_view queue);
};

/// Seconds per call to the logger or the mail service (labelled service="logger"|"mail").
/// Registers under the registry's mutex: look it up once and keep the reference.
core::metrics::Histogram& downstream_latency(Target target);

}  // namespace listener
