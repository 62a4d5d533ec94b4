#pragma once
/// @file
/// Reason phrases for status codes.
#include <string_view>

namespace wire::http {

/// Reason phrase of `status` as RFC 9110 names it ("OK", "Not Found", ...); "Unknown" for
/// codes without one.
std::string_view status_text(int status) noexcept;

}  // namespace wire::http
