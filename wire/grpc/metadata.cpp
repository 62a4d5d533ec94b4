#include "wire/grpc/metadata.hpp"

namespace wire::grpc {

Result<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  if (text.size() < 2 || text.size() > 9) return make_error(0, "malformed grpc-timeout");
  std::int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return make_error(0, "malformed grpc-timeout");
    n = n * 10 + (c - '0');
  }
  std::int64_t ms = 0;
  switch (text.back()) {
    case 'H': ms = n * 3'600'000; break;
    case 'M': ms = n * 60'000; break;
    case 'S': ms = n * 1000; break;
    case 'm': ms = n; break;
    case 'u': ms = (n + 999) / 1000; break;
    case 'n': ms = (n + 999'999) / 1'000'000; break;
    default: return make_error(0, "malformed grpc-timeout");
  }
  return std::chrono::milliseconds(ms);
}

std::string format_timeout(std::chrono::milliseconds timeout) {
  constexpr std::int64_t kMax = 99'999'999;
  std::int64_t ms = timeout.count() < 0 ? 0 : timeout.count();
  if (ms <= kMax) return std::to_string(ms) + "m";
  std::int64_t s = (ms + 999) / 1000;
  if (s <= kMax) return std::to_string(s) + "S";
  std::int64_t m = (s + 59) / 60;
  if (m <= kMax) return std::to_string(m) + "M";
  std::int64_t h = (m + 59) / 60;
  return std::to_string(h < kMax ? h : kMax) + "H";
}

std::string percent_encode(std::string_view message) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(message.size());
  for (char ch : message) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7e && c != '%') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace wire::grpc
