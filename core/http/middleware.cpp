#include "core/http/middleware.hpp"

#include <sodium.h>

#include <random>

#include "wire/http/headers.hpp"

namespace core::http {

namespace {
bool sane_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string random_id() {
  // Per-thread generator: ids need to be unique, not secret.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(32, '0');
  std::uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) {
    id[static_cast<std::size_t>(i)] = hex[(a >> (i * 4)) & 0xf];
    id[static_cast<std::size_t>(16 + i)] = hex[(b >> (i * 4)) & 0xf];
  }
  return id;
}
}  // namespace

std::string request_id_for(const Request& request) {
  if (const std::string* given = request.header("X-Request-ID")) {
    if (!given->empty() && given->size() <= 128) {
      bool ok = true;
      for (char c : *given) ok = ok && sane_id_char(c);
      if (ok) return *given;
    }
  }
  return random_id();
}

std::string allowed_origin(const Request& request, const std::vector<std::string>& origins) {
  const std::string* origin = request.header("Origin");
  if (!origin || origins.empty()) return {};
  for (const auto& o : origins) {
    if (o == "*" || o == *origin) return *origin;
  }
  return {};
}

bool is_preflight(const Request& request) {
  return request.method == "OPTIONS" && request.header("Origin") &&
         request.header("Access-Control-Request-Method");
}

void add_cors_headers(Response& response, const std::string& origin, bool preflight) {
  response.headers.push_back({"Access-Control-Allow-Origin", origin});
  response.headers.push_back({"Vary", "Origin"});
  response.headers.push_back({"Access-Control-Expose-Headers", "X-Request-ID, Retry-After"});
  if (preflight) {
    response.headers.push_back({"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"});
    response.headers.push_back(
        {"Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, X-CSRF-Token, X-Request-ID"});
    response.headers.push_back({"Access-Control-Max-Age", "300"});
  }
}

bool has_bearer_token(const Request& request, std::string_view token) {
  const std::string* auth = request.header("Authorization");
  constexpr std::string_view prefix = "Bearer ";
  if (!auth || auth->size() != prefix.size() + token.size()) return false;
  // The auth scheme is case-insensitive (RFC 9110 11.1): "bearer x" is the same credential.
  if (!wire::http::iequals(std::string_view(*auth).substr(0, prefix.size()), prefix)) return false;
  return sodium_memcmp(auth->data() + prefix.size(), token.data(), token.size()) == 0;
}

}  // namespace core::http
