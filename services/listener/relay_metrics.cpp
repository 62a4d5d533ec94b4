#include "services/listener/relay_metrics.hpp"

#include <string>

#include "core/metrics/registry.hpp"

namespace listener {

QueueMetrics QueueMetrics::of(std::string_view queue) {
  auto& r = core::metrics::registry();
  const core::metrics::Labels labels{{"queue", std::string(queue)}};
  return QueueMetrics{
      r.counter("listener_consumed_total", "Deliveries the listener handled", labels),
      r.counter("listener_acked_total", "Deliveries accepted downstream, then acked", labels),
      r.counter("listener_retried_total", "Deliveries republished to a retry queue, then acked",
                labels),
      r.counter("listener_dead_lettered_total",
                "Deliveries republished to the dead-letter exchange, then acked", labels),
      r.counter("listener_requeued_total", "Deliveries given back to their queue unacked", labels),
  };
}

core::metrics::Histogram& downstream_latency(Target target) {
  return core::metrics::registry().histogram(
      "listener_downstream_seconds", "Duration of calls to the logger and the mail service",
      {{"service", std::string(service_name(target))}});
}

}  // namespace listener
