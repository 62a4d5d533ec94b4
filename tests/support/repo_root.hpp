#pragma once
// Where the checkout is, for tests that drive the project's scripts (restarting a server).
// REPO_ROOT from the environment wins (scripts/test exports it); otherwise the source
// directory CMake configured. __FILE__ is no guide: ccache rewrites it relative to the build.
#include <cstdlib>
#include <filesystem>

namespace test_support {

inline std::filesystem::path repo_root() {
  if (const char* r = std::getenv("REPO_ROOT"); r && *r) return r;
#ifdef REPO_SOURCE_DIR
  return REPO_SOURCE_DIR;
#else
  return std::filesystem::current_path();
#endif
}

}  // namespace test_support
