#pragma once
// Calls a service makes to others: downstream_calls_total{target, transport, outcome} and
// downstream_call_duration_seconds{target, transport}. Outcomes: ok, error_status (the target
// answered 5xx), unavailable (refused, circuit open, pool full), timed_out, bad_reply.
#include <string_view>

namespace core::metrics {

/// Counts one finished call and observes its latency. Lock-free after the first call per
/// (target, transport, outcome) on a thread.
void record_downstream_call(std::string_view target, std::string_view transport,
                            std::string_view outcome, double seconds);

}  // namespace core::metrics
