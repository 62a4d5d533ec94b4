#include "services/listener/verdict.hpp"

#include <fmt/format.h>

#include "wire/json/value.hpp"

namespace listener {

Verdict verdict_for(const CallResult& result) noexcept {
  if (result.kind != CallResult::Kind::answered) return Verdict::retry;
  const int s = result.status;
  if (s >= 200 && s < 300) return Verdict::ack;
  // 408 and 429 say "not now"; every other 4xx says the request itself is wrong, and sending
  // it again would get the same answer.
  if (s >= 400 && s < 500 && s != 408 && s != 429) return Verdict::dead;
  return Verdict::retry;  // 5xx, and 1xx/3xx that no service of ours sends: a proxy in between
}

Settlement settlement_after_republish(bool confirmed) noexcept {
  return confirmed ? Settlement::ack : Settlement::requeue;
}

std::string describe(const CallResult& result, std::string_view service) {
  std::string what;
  switch (result.kind) {
    case CallResult::Kind::answered:
      what = fmt::format("{} answered {}", service, result.status);
      break;
    case CallResult::Kind::timed_out:
      what = fmt::format("{} timed out", service);
      break;
    case CallResult::Kind::unreachable:
      what = fmt::format("{} unreachable", service);
      break;
    case CallResult::Kind::bad_reply:
      what = fmt::format("{} sent a malformed reply", service);
      break;
  }
  if (!result.detail.empty()) what += ": " + result.detail;
  return what;
}

std::string reply_detail(std::string_view body) {
  constexpr std::size_t kMax = 200;
  if (auto json = wire::json::parse(body); json && json->is_object()) {
    if (auto m = json->get("message").as_string()) return std::string(m->substr(0, kMax));
  }
  std::string out(body.substr(0, kMax));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

}  // namespace listener
