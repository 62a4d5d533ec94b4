#pragma once
/// @file
/// What a failed send throws.
#include <stdexcept>
#include <string>

namespace core::smtp {

/// The relay could not be reached or refused the mail. `curl_code` is libcurl's CURLcode,
/// `smtp_code` the last SMTP reply code (0 when there was none, e.g. connection refused).
/// A passed deadline is core::TimeoutError instead, a cancelled send core::Cancelled.
struct Error : std::runtime_error {
  Error(int curl_code, long smtp_code, const std::string& message)
      : std::runtime_error(message), curl_code(curl_code), smtp_code(smtp_code) {}
  int curl_code;
  long smtp_code;
  /// True for a 5xx reply: sending the same mail again will not help.
  bool permanent() const noexcept { return smtp_code >= 500 && smtp_code < 600; }
};

}  // namespace core::smtp
