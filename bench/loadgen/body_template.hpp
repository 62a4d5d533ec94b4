#pragma once
// A request body (or RPC payload data) with optional `{{counter}}` placeholders, each replaced
// by a number unique within the run: split once into literal pieces, rendered per request.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

class BodyTemplate {
 public:
  static constexpr std::string_view kCounter = "{{counter}}";

  BodyTemplate() = default;
  explicit BodyTemplate(std::string_view text);

  /// True when the text has no placeholder: render() gives the same bytes every time.
  bool constant() const noexcept { return pieces_.size() == 1; }
  /// The text with every placeholder replaced by `counter`, appended to out.
  void render(std::uint64_t counter, std::string& out) const;
  std::string render(std::uint64_t counter) const;
  /// Length of render(counter) without building it.
  std::size_t size(std::uint64_t counter) const noexcept;

 private:
  std::vector<std::string> pieces_ = {""};  // literal text around the placeholders
};

}  // namespace loadgen
