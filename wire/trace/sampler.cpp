#include "wire/trace/sampler.hpp"

#include <cmath>
#include <cstdint>

namespace wire::trace {

bool ratio_admits(const TraceId& trace_id, double ratio) noexcept {
  if (!(ratio > 0)) return false;  // also NaN
  if (ratio >= 1) return true;
  std::uint64_t x = 0;
  for (std::size_t i = 8; i < 16; ++i) x = x << 8 | trace_id[i];
  // 2^64 * ratio < 2^64 here; ldexp keeps it exact enough for a sampling bound.
  const auto bound = static_cast<std::uint64_t>(std::ldexp(ratio, 64));
  return x < bound;
}

bool should_sample(const std::optional<SpanContext>& parent, const TraceId& trace_id,
                   double ratio) noexcept {
  if (parent && parent->valid()) return parent->sampled();
  return ratio_admits(trace_id, ratio);
}

}  // namespace wire::trace
