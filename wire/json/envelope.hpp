#pragma once
// The response envelope every JSON reply carries: {"error":bool,"message":string,"data":any?}.
#include <string>
#include <string_view>

#include "wire/json/escape.hpp"
#include "wire/json/value.hpp"

namespace wire::json {

/// `{"error":false,"message":"..."}`, written directly (no jansson).
std::string envelope(bool error, std::string_view message);
/// As above with `,"data":<data>` before the closing brace; `data` is omitted when it is absent
/// or JSON null (Go's `omitempty` on an interface).
std::string envelope(bool error, std::string_view message, const Value& data);

/// Appends the envelope to `out` (e.g. straight into a response buffer).
void append_envelope(std::string& out, bool error, std::string_view message,
                     const Value& data = Value());

}  // namespace wire::json
