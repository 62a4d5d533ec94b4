#pragma once
// build_info{service, version, compiler} 1: which build of which service answers, so a
// dashboard can tell replicas of different versions apart during a rollout.
#include <string_view>

namespace core::metrics {

/// The version compiled in (`git describe` of the source tree when it was configured).
std::string_view build_version() noexcept;

/// Registers build_info for `service` (once, at start-up).
void register_build_info(std::string_view service);

}  // namespace core::metrics
