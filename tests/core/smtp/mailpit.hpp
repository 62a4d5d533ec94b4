#pragma once
// Test-only access to Mailpit: its settings from the environment (scripts/servers writes them)
// and its JSON API read with blocking libcurl calls, outside any loop.
#include <curl/curl.h>
#include <gtest/gtest.h>

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

inline std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

/// GET url, the body parsed as JSON (absent on any failure).
inline wire::json::Value get_json(const std::string& url) {
  CURL* easy = curl_easy_init();
  std::string body;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 5000L);
  CURLcode rc = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(easy);
  if (rc != CURLE_OK || status != 200) return {};
  auto parsed = wire::json::parse(body);
  return parsed.ok() ? parsed.value() : wire::json::Value();
}

inline std::string escape(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  std::string out(e);
  curl_free(e);
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
