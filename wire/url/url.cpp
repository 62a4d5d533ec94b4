#include "wire/url/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wire {
namespace {

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
}

// RFC 3986 reg-name / IPv4: unreserved, percent-encoded and sub-delims except ",".
bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("-._~%!$&'()*+;=").find(c) != std::string_view::npos;
}

bool visible_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

std::optional<UrlHost> parse_host(std::string_view s) {
  UrlHost out;
  std::string_view port;
  if (s.starts_with('[')) {
    const std::size_t close = s.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    out.host = std::string(s.substr(0, close + 1));
    const std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else {
    const std::size_t colon = s.find(':');
    const std::string_view host = s.substr(0, colon);
    if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) return std::nullopt;
    out.host = std::string(host);
    if (colon != std::string_view::npos) {
      port = s.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
  }
  if (!port.empty()) {
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return std::nullopt;
    }
    out.port = value;
  }
  return out;
}

}  // namespace

std::optional<Url> parse_url(std::string_view text) {
  if (!visible_ascii(text)) return std::nullopt;
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  Url url;
  const std::string_view scheme = text.substr(0, sep);
  if (std::isalpha(static_cast<unsigned char>(scheme.front())) == 0 ||
      !std::all_of(scheme.begin(), scheme.end(), is_scheme_char)) {
    return std::nullopt;
  }
  url.scheme.reserve(scheme.size());
  for (char c : scheme)
    url.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  std::string_view rest = text.substr(sep + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (rest.starts_with('#')) return std::nullopt;

  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = authority.find(',', start);
    auto host = parse_host(
        authority.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (!host) return std::nullopt;
    url.hosts.push_back(std::move(*host));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }

  const std::size_t q = rest.find('?');
  url.path = std::string(rest.substr(0, q));
  if (q != std::string_view::npos) url.query = std::string(rest.substr(q + 1));
  if (url.query.find('#') != std::string::npos || url.path.find('#') != std::string::npos) {
    return std::nullopt;
  }
  return url;
}

std::string redact_url(std::string_view text) {
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return std::string(text);
  const std::size_t authority_start = sep + 3;
  const std::size_t authority_end = text.find_first_of("/?#", authority_start);
  const std::string_view authority = text.substr(
      authority_start,
      authority_end == std::string_view::npos ? authority_end : authority_end - authority_start);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  const std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(text);
  std::string out(text.substr(0, authority_start + colon + 1));
  out += "***";
  out += text.substr(authority_start + at);
  return out;
}

}  // namespace wire
