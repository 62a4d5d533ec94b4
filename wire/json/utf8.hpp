#pragma once
// UTF-8 checks shared by the JSON writer and Value: output must always be valid JSON text,
// whatever bytes a peer or a database handed us.
#include <cstddef>
#include <string>
#include <string_view>

namespace wire::json {

/// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 when the bytes there
/// are not one (overlong forms, surrogates, code points past U+10FFFF, truncation).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

/// True when the whole of `s` is well-formed UTF-8.
bool is_valid_utf8(std::string_view s) noexcept;

/// `s` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

}  // namespace wire::json
