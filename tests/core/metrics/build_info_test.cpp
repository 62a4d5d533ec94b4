#include "core/metrics/build_info.hpp"

#include <gtest/gtest.h>

#include "core/metrics/registry.hpp"

namespace core::metrics {
namespace {

TEST(BuildInfo, OneSeriesWithTheServiceAndVersion) {
  EXPECT_FALSE(build_version().empty());
  register_build_info("bitest");
  const std::string text = registry().render();
  const std::string want =
      "service=\"bitest\",version=\"" + std::string(build_version()) + "\"} 1\n";
  EXPECT_NE(text.find(want), std::string::npos) << text;
}

}  // namespace
}  // namespace core::metrics
