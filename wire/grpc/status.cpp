#include "wire/grpc/status.hpp"

#include <array>
#include <charconv>

namespace wire::grpc {

namespace {
constexpr std::array<std::string_view, 17> kNames = {
    "OK",           "CANCELLED",          "UNKNOWN",             "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED", "NOT_FOUND",     "ALREADY_EXISTS",      "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",      "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL",          "UNAVAILABLE",         "DATA_LOSS",
    "UNAUTHENTICATED",
};
}  // namespace

std::string_view status_name(StatusCode code) noexcept {
  auto i = static_cast<int>(code);
  if (i < 0 || i >= static_cast<int>(kNames.size())) return "UNKNOWN";
  return kNames[static_cast<std::size_t>(i)];
}

StatusCode parse_status(std::string_view text) noexcept {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0 ||
      v > 16) {
    return StatusCode::unknown;
  }
  return static_cast<StatusCode>(v);
}

StatusCode status_from_http(int http_status) noexcept {
  switch (http_status) {
    case 400:
      return StatusCode::internal;
    case 401:
      return StatusCode::unauthenticated;
    case 403:
      return StatusCode::permission_denied;
    case 404:
      return StatusCode::unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return StatusCode::unavailable;
    default:
      return StatusCode::unknown;
  }
}

}  // namespace wire::grpc
