#pragma once
/// @file
/// The five messages of logs.proto and mail.proto, encoded and decoded by hand (see
/// docs/grpc.md for why). decode_* fail with INVALID_ARGUMENT naming the field.
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace wire::proto {

// logs.proto
struct Log {
  std::string name;  // 1
  std::string data;  // 2
};
struct LogRequest {
  Log log_entry;  // 1 (logEntry)
  bool has_log_entry = false;
};
struct LogResponse {
  std::string result;  // 1
};

// mail.proto
struct MailRequest {
  std::string from;     // 1
  std::string to;       // 2
  std::string subject;  // 3
  std::string message;  // 4
};
struct MailResponse {
  std::string result;  // 1
};

std::string encode(const Log& m);
std::string encode(const LogRequest& m);
std::string encode(const LogResponse& m);
std::string encode(const MailRequest& m);
std::string encode(const MailResponse& m);

Result<LogRequest> decode_log_request(std::string_view bytes);
Result<LogResponse> decode_log_response(std::string_view bytes);
Result<MailRequest> decode_mail_request(std::string_view bytes);
Result<MailResponse> decode_mail_response(std::string_view bytes);

}  // namespace wire::proto
