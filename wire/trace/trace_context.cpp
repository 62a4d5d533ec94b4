#include "wire/trace/trace_context.hpp"

#include <algorithm>

namespace wire::trace {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Lower-case hex digit value, or -1 (upper case is invalid in traceparent).
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

template <std::size_t N>
bool parse_hex(std::string_view text, std::array<std::uint8_t, N>& out) noexcept {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& id) noexcept {
  return std::all_of(id.begin(), id.end(), [](std::uint8_t b) { return b == 0; });
}

template <std::size_t N>
std::string hex_of(const std::array<std::uint8_t, N>& id) {
  std::string out(2 * N, '0');
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = kHex[id[i] >> 4];
    out[2 * i + 1] = kHex[id[i] & 0x0f];
  }
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// tracestate key: lcalpha 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/"), optionally
// tenant@system; value: 0*255 printable ASCII except ',' and '=' (no trailing space).
bool valid_key(std::string_view k) noexcept {
  if (k.empty() || k.size() > 256) return false;
  if (!((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= '0' && k[0] <= '9'))) return false;
  std::size_t at = 0;
  for (std::size_t i = 0; i < k.size(); ++i) {
    const char c = k[i];
    if (c == '@') {
      if (at != 0 || i == 0 || i + 1 == k.size()) return false;
      at = i;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' ||
          c == '/'))
      return false;
  }
  return true;
}

bool valid_value(std::string_view v) noexcept {
  if (v.empty() || v.size() > 256 || v.back() == ' ') return false;
  return std::all_of(v.begin(), v.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e && c != ',' && c != '='; });
}

}  // namespace

bool SpanContext::valid() const noexcept { return !all_zero(trace_id) && !all_zero(span_id); }

std::optional<SpanContext> parse_traceparent(std::string_view header) {
  std::string_view s = trim(header);
  if (s.size() < 55) return std::nullopt;
  if (s[2] != '-' || s[35] != '-' || s[52] != '-') return std::nullopt;
  std::array<std::uint8_t, 1> version{};
  if (!parse_hex(s.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  if (version[0] == 0 && s.size() != 55) return std::nullopt;
  if (s.size() > 55 && s[55] != '-') return std::nullopt;  // a later version's extra fields
  SpanContext c;
  std::array<std::uint8_t, 1> flags{};
  if (!parse_hex(s.substr(3, 32), c.trace_id) || !parse_hex(s.substr(36, 16), c.span_id) ||
      !parse_hex(s.substr(53, 2), flags)) {
    return std::nullopt;
  }
  if (!c.valid()) return std::nullopt;
  c.flags = flags[0];
  return c;
}

std::string parse_tracestate(std::string_view header) {
  std::string_view s = trim(header);
  if (s.empty() || s.size() > 512) return {};
  std::size_t members = 0;
  std::string_view rest = s;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view member = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (member.empty()) continue;  // empty list members are allowed
    const std::size_t eq = member.find('=');
    if (eq == std::string_view::npos || !valid_key(member.substr(0, eq)) ||
        !valid_value(member.substr(eq + 1)))
      return {};
    if (++members > 32) return {};
  }
  return members == 0 ? std::string() : std::string(s);
}

std::string format_traceparent(const SpanContext& c) {
  std::string out;
  out.reserve(55);
  out.append("00-")
      .append(hex_of(c.trace_id))
      .append(1, '-')
      .append(hex_of(c.span_id))
      .append(1, '-');
  out.push_back(kHex[c.flags >> 4]);
  out.push_back(kHex[c.flags & 0x0f]);
  return out;
}

std::string to_hex(const TraceId& id) { return hex_of(id); }
std::string to_hex(const SpanId& id) { return hex_of(id); }

}  // namespace wire::trace
