#include "bench/loadgen/run_stats.hpp"

namespace loadgen {

void ErrorCounts::add(const ErrorCounts& o) noexcept {
  connect += o.connect;
  reset += o.reset;
  timeout += o.timeout;
  parse += o.parse;
}

void RunResult::add(const ThreadStats& t) {
  latency.merge(t.latency);
  for (std::size_t i = 0; i < status.size(); ++i) status[i] += t.status[i];
  errors.add(t.errors);
  answered += t.answered;
}

}  // namespace loadgen
