#include "bench/loadgen/body_template.hpp"

#include <fmt/format.h>

namespace loadgen {

BodyTemplate::BodyTemplate(std::string_view text) {
  pieces_.clear();
  while (true) {
    const std::size_t at = text.find(kCounter);
    pieces_.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + kCounter.size());
  }
}

void BodyTemplate::render(std::uint64_t counter, std::string& out) const {
  out += pieces_[0];
  if (constant()) return;
  char digits[24];
  const auto end = fmt::format_to(digits, "{}", counter);
  const std::string_view number(digits, static_cast<std::size_t>(end - digits));
  for (std::size_t i = 1; i < pieces_.size(); ++i) {
    out += number;
    out += pieces_[i];
  }
}

std::string BodyTemplate::render(std::uint64_t counter) const {
  std::string out;
  render(counter, out);
  return out;
}

std::size_t BodyTemplate::size(std::uint64_t counter) const noexcept {
  std::size_t n = 0;
  for (const std::string& p : pieces_) n += p.size();
  if (constant()) return n;
  std::size_t digits = 1;
  for (std::uint64_t v = counter; v >= 10; v /= 10) ++digits;
  return n + digits * (pieces_.size() - 1);
}

}  // namespace loadgen
