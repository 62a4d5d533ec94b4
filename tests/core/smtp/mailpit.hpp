#pragma once
// Test-only access to Mailpit: its settings from the environment (scripts/servers writes them)
// and its JSON API read with a blocking socket, outside any loop.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

#include "wire/json/value.hpp"

namespace mailpit {

inline std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

/// GET url ("http://host:port/path", a numeric IPv4 host) with a blocking socket, outside any
/// loop; the body parsed as JSON (absent on any failure).
inline wire::json::Value get_json(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return {};
  std::size_t slash = url.find('/', scheme.size());
  std::string authority = url.substr(scheme.size(), slash - scheme.size());
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(authority.substr(colon + 1))));
  if (::inet_pton(AF_INET, authority.substr(0, colon).c_str(), &addr.sin_addr) != 1) return {};
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval five{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + authority + "\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char buf[16384];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  std::size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.1 200", 0) != 0 && response.rfind("HTTP/1.0 200", 0) != 0) return {};
  if (body == std::string::npos) return {};
  auto parsed = wire::json::parse(std::string_view(response).substr(body + 4));
  return parsed.ok() ? parsed.value() : wire::json::Value();
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
inline std::string escape(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// Search results for `query` (Mailpit search syntax), waiting up to `wait` for at least
/// `expect` matches to arrive.
inline wire::json::Value search(const std::string& api, const std::string& query,
                                std::int64_t expect = 1,
                                std::chrono::milliseconds wait = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  wire::json::Value result;
  for (;;) {
    result = get_json(api + "/api/v1/search?limit=1000&query=" + escape(query));
    auto count = result.get("messages_count").as_int();
    if ((count && *count >= expect) || std::chrono::steady_clock::now() > deadline) return result;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

/// The full message with id `id` (Text, HTML, Subject, From, To, ReplyTo ...).
inline wire::json::Value message(const std::string& api, const std::string& id) {
  return get_json(api + "/api/v1/message/" + id);
}

inline std::string str(const wire::json::Value& v) {
  auto s = v.as_string();
  return s ? std::string(*s) : std::string("<absent>");
}

}  // namespace mailpit
