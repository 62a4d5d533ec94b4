#include "wire/trace/sampler.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wire::trace {
namespace {

TraceId id_with_low(std::uint64_t low) {
  TraceId id{};
  id[0] = 0x4b;
  for (int i = 0; i < 8; ++i) id[15 - i] = static_cast<std::uint8_t>(low >> (8 * i));
  return id;
}

SpanContext parent(bool sampled) {
  SpanContext c;
  c.trace_id = id_with_low(1);
  c.span_id[7] = 1;
  c.flags = sampled ? kSampledFlag : 0;
  return c;
}

struct Case {
  const char* name;
  std::optional<SpanContext> parent;
  std::uint64_t low;  // of the new trace id
  double ratio;
  bool sampled;
};

TEST(Sampler, Table) {
  const std::uint64_t half = std::uint64_t{1} << 63;
  const std::vector<Case> cases{
      {"sampled parent followed at ratio 0", parent(true), 0, 0.0, true},
      {"unsampled parent never sampled at ratio 1", parent(false), 0, 1.0, false},
      {"no parent, ratio 1", std::nullopt, ~std::uint64_t{0}, 1.0, true},
      {"no parent, ratio 0", std::nullopt, 0, 0.0, false},
      {"no parent, below half at 0.5", std::nullopt, half - 1, 0.5, true},
      {"no parent, at half at 0.5", std::nullopt, half, 0.5, false},
      {"ratio above 1 clamps", std::nullopt, ~std::uint64_t{0}, 7.0, true},
      {"negative ratio clamps", std::nullopt, 0, -1.0, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(should_sample(c.parent, id_with_low(c.low), c.ratio), c.sampled) << c.name;
  }
}

TEST(Sampler, RatioSamplesAboutThatShare) {
  // Trace ids spread evenly over the 64-bit space: 1 % of them pass at 0.01.
  int passed = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t low = static_cast<std::uint64_t>(i) * (~std::uint64_t{0} / n);
    passed += ratio_admits(id_with_low(low), 0.01) ? 1 : 0;
  }
  EXPECT_GE(passed, 999);
  EXPECT_LE(passed, 1001);
}

}  // namespace
}  // namespace wire::trace
