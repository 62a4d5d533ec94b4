#pragma once
// Splits one fuzzer input into the pieces a target needs: leading control bytes and fields
// separated by a delimiter byte. Deterministic, so every input reproduces.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string_view>

namespace fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  /// The next byte, or 0 when there is none.
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  /// Up to the next `delimiter` (dropped), or everything left.
  std::string_view field(char delimiter = '\0') {
    const std::size_t at = rest_.find(delimiter);
    std::string_view f = rest_.substr(0, at);
    rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + 1);
    return f;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

/// A property the target checks; failing it is a finding like a crash.
inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
  }
}

}  // namespace fuzz
