#include "core/amqp/url.hpp"

#include <fmt/format.h>

#include "wire/url/url.hpp"

namespace core::amqp {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_digit(s[i + 1]);
    const int lo = hex_digit(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

std::string AmqpUrl::redacted() const {
  return fmt::format("amqp://{}@{}:{}/{}", user, host, port, vhost == "/" ? "" : vhost);
}

std::optional<AmqpUrl> parse_amqp_url(std::string_view text) {
  auto url = wire::parse_url(text);
  if (!url || url->scheme != "amqp" || url->hosts.size() != 1) {
    return std::nullopt;
  }
  AmqpUrl out;
  out.host = url->host();
  if (out.host.starts_with('[')) out.host = out.host.substr(1, out.host.size() - 2);
  if (url->port() != 0) out.port = url->port();
  if (!url->userinfo.empty()) {
    const std::string_view info = url->userinfo;
    const std::size_t colon = info.find(':');
    auto user = percent_decode(info.substr(0, colon));
    if (!user) return std::nullopt;
    out.user = *user;
    if (colon != std::string_view::npos) {
      auto password = percent_decode(info.substr(colon + 1));
      if (!password) return std::nullopt;
      out.password = *password;
    } else {
      out.password.clear();
    }
  }
  if (url->path.size() > 1) {
    const std::string_view path = std::string_view(url->path).substr(1);
    if (path.find('/') != std::string_view::npos) return std::nullopt;  // vhost "/" is "%2F"
    auto vhost = percent_decode(path);
    if (!vhost) return std::nullopt;
    out.vhost = *vhost;
  }
  return out;
}

}  // namespace core::amqp
