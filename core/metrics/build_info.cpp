#include "core/metrics/build_info.hpp"

#include <string>

#include "core/metrics/registry.hpp"

#ifndef MS_BUILD_VERSION
#define MS_BUILD_VERSION "unknown"
#endif

namespace core::metrics {

namespace {

std::string compiler() {
#if defined(__clang__)
  std::string v = std::string("clang ") + __clang_version__;
  while (!v.empty() && v.back() == ' ') v.pop_back();  // __clang_version__ ends with a space
  return v;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

std::string_view build_version() noexcept { return MS_BUILD_VERSION; }

void register_build_info(std::string_view service) {
  registry()
      .gauge("build_info", "Always 1; the labels say which build of which service answers",
             {{"service", std::string(service)},
              {"version", std::string(build_version())},
              {"compiler", compiler()}})
      .set(1);
}

}  // namespace core::metrics
