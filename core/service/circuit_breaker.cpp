#include "core/service/circuit_breaker.hpp"

#include <string>

#include "core/metrics/registry.hpp"

namespace core::service {

CircuitBreaker::CircuitBreaker(std::string_view target, int threshold,
                               std::chrono::milliseconds open_for)
    : gauge_(&metrics::registry().gauge("circuit_breaker_open",
                                        "Workers whose circuit to the target is open or half-open",
                                        {{"target", std::string(target)}})),
      threshold_(threshold),
      open_for_(open_for) {}

}  // namespace core::service
