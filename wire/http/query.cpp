#include "wire/http/query.hpp"

namespace wire::http {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Compares a still-encoded name with a plain one without allocating: names are short, but
// this runs for every pair of every query_param() call.
bool encoded_name_equals(std::string_view encoded, std::string_view plain) noexcept {
  std::size_t j = 0;
  for (std::size_t i = 0; i < encoded.size(); ++i, ++j) {
    char c = encoded[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= encoded.size()) return false;
      const int hi = hex_value(encoded[i + 1]);
      const int lo = hex_value(encoded[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = char(hi * 16 + lo);
      i += 2;
    }
    if (j >= plain.size() || plain[j] != c) return false;
  }
  return j == plain.size();
}

}  // namespace

std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(char(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> find_query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);

    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (!encoded_name_equals(key, name)) continue;
    if (eq == std::string_view::npos) return std::string{};
    return url_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace wire::http
