#pragma once
// JSON string escaping without jansson, for the hot paths (response envelope, log lines).
#include <string>
#include <string_view>

namespace wire::json {

/// Appends `s` to `out` as a quoted JSON string: `"` and `\` are backslash-escaped,
/// \b \f \n \r \t use their short forms, other control characters become \u00XX; UTF-8 passes
/// through unchanged ("/" is not escaped), and a byte that is not well-formed UTF-8 becomes
/// U+FFFD so that the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

/// Like append_json_string, without the surrounding quotes.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace wire::json
