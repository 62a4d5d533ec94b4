#pragma once
/// @file
/// The text forms of gRPC's HTTP/2 headers: grpc-timeout ("100m", "5S": at most 8 digits and
/// a unit H M S m u n) and grpc-message (percent-encoded: every byte outside printable ASCII
/// 0x20-0x7E, and '%' itself, as %XX).
#include <chrono>
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace wire::grpc {

/// The timeout a grpc-timeout value gives, rounded up to whole milliseconds (a positive
/// sub-millisecond timeout is 1 ms). Error (code 0) when the text is not a timeout.
Result<std::chrono::milliseconds> parse_timeout(std::string_view text);

/// grpc-timeout for `timeout` (negative counts as 0): milliseconds when they fit in 8 digits,
/// else the smallest coarser unit that does, rounded up.
std::string format_timeout(std::chrono::milliseconds timeout);

std::string percent_encode(std::string_view message);
/// Undoes percent_encode; a '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view text);

}  // namespace wire::grpc
