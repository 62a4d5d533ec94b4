#pragma once
// Request decoding helpers: each failure is a 400 whose message names the field the way the
// client wrote it ("missing field: auth.email"), as the HTTP contracts require.
#include <optional>
#include <string>
#include <string_view>

#include "wire/json/value.hpp"
#include "wire/result.hpp"

namespace wire::json {

/// Follows a dotted path ("auth.email") from `root` through nested objects. Absent when any
/// step is missing or not an object.
Value lookup(const Value& root, std::string_view path);

/// The string at dotted `path` under `obj`.
/// Errors (code 400): "missing field: <path>" when absent or null (also when a parent is
/// absent), "field <parent> must be an object", "field <path> must be a string", and
/// "request body must be a JSON object" when `obj` itself is not one.
Result<std::string> required_string(const Value& obj, std::string_view path);
/// The string member `key` of `obj`, reporting it as `name` (e.g. key "email", name
/// "auth.email" when `obj` is the already-extracted "auth" object).
Result<std::string> required_string(const Value& obj, std::string_view key, std::string_view name);

/// As required_string, but absent or null gives nullopt instead of an error.
Result<std::optional<std::string>> optional_string(const Value& obj, std::string_view path);
Result<std::optional<std::string>> optional_string(const Value& obj, std::string_view key,
                                                   std::string_view name);

/// The object at dotted `path`: "missing field: <path>" / "field <path> must be an object".
Result<Value> required_object(const Value& obj, std::string_view path);

}  // namespace wire::json
