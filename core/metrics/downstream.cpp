#include "core/metrics/downstream.hpp"

#include <string>
#include <unordered_map>

#include "core/metrics/registry.hpp"

namespace core::metrics {

void record_downstream_call(std::string_view target, std::string_view transport,
                            std::string_view outcome, double seconds) {
  struct Entry {
    Counter* count;
    Histogram* latency;
  };
  // The registry locks; each thread keeps its own lookup cache.
  thread_local std::unordered_map<std::string, Entry> cache;
  std::string key;
  key.reserve(target.size() + transport.size() + outcome.size() + 2);
  key.append(target).append(1, ' ').append(transport).append(1, ' ').append(outcome);
  auto it = cache.find(key);
  if (it == cache.end()) {
    Entry e{
        &registry().counter("downstream_calls_total",
                            "Calls to other services by target, transport and outcome",
                            {{"target", std::string(target)},
                             {"transport", std::string(transport)},
                             {"outcome", std::string(outcome)}}),
        &registry().histogram(
            "downstream_call_duration_seconds", "Latency of calls to other services",
            {{"target", std::string(target)}, {"transport", std::string(transport)}}),
    };
    it = cache.emplace(std::move(key), e).first;
  }
  it->second.count->inc();
  it->second.latency->observe(seconds);
}

}  // namespace core::metrics
