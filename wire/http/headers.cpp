#include "wire/http/headers.hpp"

namespace wire::http {

namespace {
// Locale-free lowering: header names are ASCII tokens, and std::tolower consults the locale.
constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

}  // namespace wire::http
