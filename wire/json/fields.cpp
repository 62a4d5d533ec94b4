#include "wire/json/fields.hpp"

#include <utility>

namespace wire::json {
namespace {

Error missing(std::string_view name) { return Error{400, "missing field: " + std::string(name)}; }

Error wrong_type(std::string_view name, std::string_view type) {
  return Error{400, "field " + std::string(name) + " must be " + std::string(type)};
}

Error not_object(std::string_view path, std::size_t start) {
  if (start == 0) return Error{400, "request body must be a JSON object"};
  return wrong_type(path.substr(0, start - 1), "an object");
}

// Walks every step of `path` but the last and sets `leaf` to that last step. Success with an
// absent Value means a parent is missing; the error names the step that is not an object.
Result<Value> parent_of(const Value& root, std::string_view path, std::string_view& leaf) {
  Value node = root;
  std::size_t start = 0;
  for (std::size_t dot = path.find('.'); dot != std::string_view::npos;
       dot = path.find('.', start)) {
    if (!node.is_object()) return not_object(path, start);
    node = node.get(path.substr(start, dot - start));
    if (node.is_null()) return Value();
    start = dot + 1;
  }
  if (!node.is_object()) return not_object(path, start);
  leaf = path.substr(start);
  return node;
}

Result<std::optional<std::string>> string_member(const Value& obj, std::string_view key,
                                                 std::string_view name) {
  const Value v = obj.get(key);
  if (v.is_null()) return std::optional<std::string>();
  const auto s = v.as_string();
  if (!s) return wrong_type(name, "a string");
  return std::optional<std::string>(std::string(*s));
}

Result<std::string> require(Result<std::optional<std::string>> r, std::string_view name) {
  if (!r) return r.error();
  if (!r.value()) return missing(name);
  return std::move(*r.value());
}

}  // namespace

Value lookup(const Value& root, std::string_view path) {
  Value node = root;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    node = node.get(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos || !node.present()) return node;
    start = dot + 1;
  }
}

Result<std::optional<std::string>> optional_string(const Value& obj, std::string_view key,
                                                   std::string_view name) {
  if (!obj.is_object()) return not_object(name, 0);
  return string_member(obj, key, name);
}

Result<std::optional<std::string>> optional_string(const Value& obj, std::string_view path) {
  std::string_view leaf;
  auto parent = parent_of(obj, path, leaf);
  if (!parent) return parent.error();
  if (!parent.value().present()) return std::optional<std::string>();
  return string_member(parent.value(), leaf, path);
}

Result<std::string> required_string(const Value& obj, std::string_view key, std::string_view name) {
  return require(optional_string(obj, key, name), name);
}

Result<std::string> required_string(const Value& obj, std::string_view path) {
  std::string_view leaf;
  auto parent = parent_of(obj, path, leaf);
  if (!parent) return parent.error();
  if (!parent.value().present()) return missing(path);
  return require(string_member(parent.value(), leaf, path), path);
}

Result<Value> required_object(const Value& obj, std::string_view path) {
  std::string_view leaf;
  auto parent = parent_of(obj, path, leaf);
  if (!parent) return parent.error();
  if (!parent.value().present()) return missing(path);
  Value v = parent.value().get(leaf);
  if (v.is_null()) return missing(path);
  if (!v.is_object()) return wrong_type(path, "an object");
  return v;
}

}  // namespace wire::json
