#pragma once
/// @file
/// gRPC status codes (the numbers of grpc/doc/statuscodes.md) and a status: code + message.
/// At the module edges of wire/grpc and wire/proto a wire::Error carries a StatusCode in its
/// `code` field.
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace wire::grpc {

enum class StatusCode : int {
  ok = 0,
  cancelled = 1,
  unknown = 2,
  invalid_argument = 3,
  deadline_exceeded = 4,
  not_found = 5,
  already_exists = 6,
  permission_denied = 7,
  resource_exhausted = 8,
  failed_precondition = 9,
  aborted = 10,
  out_of_range = 11,
  unimplemented = 12,
  internal = 13,
  unavailable = 14,
  data_loss = 15,
  unauthenticated = 16,
};

/// "INVALID_ARGUMENT" etc.; "UNKNOWN" for numbers outside the table.
std::string_view status_name(StatusCode code) noexcept;

/// The grpc-status trailer's text: a decimal 0..16; anything else is UNKNOWN (as the spec says
/// a client must treat it).
StatusCode parse_status(std::string_view text) noexcept;

/// The status a client gives a response whose HTTP status is not 200 (grpc's
/// doc/http-grpc-status-mapping.md): 400 INTERNAL, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED,
/// 404 UNIMPLEMENTED, 429/502/503/504 UNAVAILABLE, anything else UNKNOWN.
StatusCode status_from_http(int http_status) noexcept;

/// wire::Error with a gRPC code.
inline Error status_error(StatusCode code, std::string message) {
  return Error{static_cast<int>(code), std::move(message)};
}
inline StatusCode code_of(const Error& e) noexcept { return static_cast<StatusCode>(e.code); }

}  // namespace wire::grpc
