#pragma once
// jansson with RAII. A Value owns one reference to a json_t; copies share the node (jansson
// reference counts atomically), so a copy is cheap and a mutation through one copy is seen by
// the others, like a shared_ptr. jansson itself stays behind this header: its users see only
// the opaque node type.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "wire/result.hpp"

struct json_t;  // jansson's node (opaque here)

namespace wire::json {

class MemberRange;

/// A JSON value, or nothing ("absent": what get() returns for a missing key).
class Value {
 public:
  /// Absent: holds no json_t. is_null() is true, dump() gives "null".
  Value() noexcept = default;
  Value(const Value& other) noexcept;
  Value(Value&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Value& operator=(const Value& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  ~Value();

  /// Takes over a reference the caller owns (e.g. the result of json_object()).
  static Value adopt(json_t* owned) noexcept;
  /// Shares a node the caller keeps its own reference to (increments the count).
  static Value borrow(json_t* node) noexcept;

  static Value object();
  static Value array();
  /// Bytes that are not well-formed UTF-8 are replaced by U+FFFD; embedded NULs are kept.
  static Value string(std::string_view s);
  static Value integer(std::int64_t i);
  static Value boolean(bool b);
  static Value null();
  /// NaN and infinities have no JSON form: they give null.
  static Value real(double d);

  /// Holds a value (true for JSON null too; false only when absent).
  bool present() const noexcept { return p_ != nullptr; }
  bool is_object() const noexcept;
  bool is_array() const noexcept;
  bool is_string() const noexcept;
  bool is_integer() const noexcept;
  bool is_real() const noexcept;
  bool is_number() const noexcept;
  bool is_bool() const noexcept;
  /// True for JSON null and for an absent value.
  bool is_null() const noexcept;

  /// Object member `key`; absent when there is none or this is not an object.
  Value get(std::string_view key) const;
  /// Sets (or replaces) member `key`; keys are UTF-8-sanitized. No effect unless an object.
  Value& set(std::string_view key, Value value);
  /// Appends to an array. No effect unless an array.
  Value& push(Value value);
  /// Removes member `key`; true when it was there.
  bool erase(std::string_view key);

  /// Members of an object or elements of an array; 0 otherwise.
  std::size_t size() const noexcept;
  /// Array element `i`; absent when out of range or not an array.
  Value at(std::size_t i) const;

  /// The string's bytes (valid while this node lives), or nullopt when not a string.
  std::optional<std::string_view> as_string() const noexcept;
  /// Integer value; nullopt for anything else (reals included).
  std::optional<std::int64_t> as_int() const noexcept;
  /// Number as double (integers included).
  std::optional<double> as_real() const noexcept;
  std::optional<bool> as_bool() const noexcept;

  /// Compact JSON text, keys in insertion order, UTF-8 kept, "/" not escaped, NUL as \u0000.
  std::string dump() const;
  /// Appends dump() to `out`.
  void dump_to(std::string& out) const;

  /// The node, still owned by this Value (nullptr when absent).
  json_t* raw() const noexcept { return p_; }
  /// Gives up ownership of the node to the caller.
  json_t* release() noexcept { return std::exchange(p_, nullptr); }

  /// Deep equality (json_equal); two absent values are equal.
  friend bool operator==(const Value& a, const Value& b) noexcept;

  /// An object's members in insertion order: `for (const auto& [key, value] : o.members())`.
  /// Empty unless this is an object. Keys stay valid while the member does.
  MemberRange members() const noexcept;

 private:
  explicit Value(json_t* owned) noexcept : p_(owned) {}
  json_t* p_ = nullptr;
};

/// One member of an object, as visited by Value::members().
struct Member {
  std::string_view key;
  Value value;
};

class MemberIterator {
 public:
  MemberIterator() = default;
  MemberIterator(json_t* object, void* iter) noexcept : object_(object), iter_(iter) {}
  Member operator*() const;
  MemberIterator& operator++() noexcept;
  bool operator==(const MemberIterator& other) const noexcept { return iter_ == other.iter_; }

 private:
  json_t* object_ = nullptr;
  void* iter_ = nullptr;
};

class MemberRange {
 public:
  explicit MemberRange(Value object) noexcept : object_(std::move(object)) {}
  MemberIterator begin() const noexcept;
  MemberIterator end() const noexcept { return {}; }

 private:
  Value object_;  // keeps the object alive for a loop over a temporary
};

/// Parses one JSON text (any value at the top level). Trailing garbage, invalid UTF-8 and
/// integers that overflow 64 bits are errors; nesting is bounded by jansson (2048 levels).
/// Error: code 400, "malformed JSON at line L, column C: <what>".
Result<Value> parse(std::string_view text);

}  // namespace wire::json
