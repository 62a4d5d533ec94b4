#include "wire/json/value.hpp"

#include <jansson.h>

#include <cmath>
#include <string>

#include "wire/json/utf8.hpp"

namespace wire::json {
namespace {

constexpr std::size_t kDumpFlags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY;

int append_chunk(const char* buffer, std::size_t size, void* data) {
  static_cast<std::string*>(data)->append(buffer, size);
  return 0;
}

}  // namespace

Value::Value(const Value& other) noexcept : p_(json_incref(other.p_)) {}
Value::~Value() { json_decref(p_); }

bool Value::is_object() const noexcept { return json_is_object(p_); }
bool Value::is_array() const noexcept { return json_is_array(p_); }
bool Value::is_string() const noexcept { return json_is_string(p_); }
bool Value::is_integer() const noexcept { return json_is_integer(p_); }
bool Value::is_real() const noexcept { return json_is_real(p_); }
bool Value::is_number() const noexcept { return json_is_number(p_); }
bool Value::is_bool() const noexcept { return json_is_boolean(p_); }
bool Value::is_null() const noexcept { return p_ == nullptr || json_is_null(p_); }

Value& Value::operator=(const Value& other) noexcept {
  if (this != &other) {
    json_t* old = p_;
    p_ = json_incref(other.p_);
    json_decref(old);
  }
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    json_decref(p_);
    p_ = std::exchange(other.p_, nullptr);
  }
  return *this;
}

Value Value::adopt(json_t* owned) noexcept { return Value(owned); }
Value Value::borrow(json_t* node) noexcept { return Value(json_incref(node)); }

Value Value::object() { return Value(json_object()); }
Value Value::array() { return Value(json_array()); }

Value Value::string(std::string_view s) {
  if (is_valid_utf8(s)) return Value(json_stringn_nocheck(s.data(), s.size()));
  const std::string clean = sanitize_utf8(s);
  return Value(json_stringn_nocheck(clean.data(), clean.size()));
}

Value Value::integer(std::int64_t i) { return Value(json_integer(static_cast<json_int_t>(i))); }
Value Value::boolean(bool b) { return Value(json_boolean(b)); }
Value Value::null() { return Value(json_null()); }

Value Value::real(double d) {
  if (!std::isfinite(d)) return null();
  return Value(json_real(d));
}

Value Value::get(std::string_view key) const {
  if (!is_object()) return {};
  return borrow(json_object_getn(p_, key.data(), key.size()));
}

Value& Value::set(std::string_view key, Value value) {
  if (!is_object()) return *this;
  json_t* v = value.present() ? value.release() : json_null();
  if (is_valid_utf8(key)) {
    json_object_setn_new_nocheck(p_, key.data(), key.size(), v);
  } else {
    const std::string clean = sanitize_utf8(key);
    json_object_setn_new_nocheck(p_, clean.data(), clean.size(), v);
  }
  return *this;
}

Value& Value::push(Value value) {
  if (!is_array()) return *this;
  json_array_append_new(p_, value.present() ? value.release() : json_null());
  return *this;
}

bool Value::erase(std::string_view key) {
  return is_object() && json_object_deln(p_, key.data(), key.size()) == 0;
}

std::size_t Value::size() const noexcept {
  if (is_object()) return json_object_size(p_);
  if (is_array()) return json_array_size(p_);
  return 0;
}

Value Value::at(std::size_t i) const {
  if (!is_array()) return {};
  return borrow(json_array_get(p_, i));
}

std::optional<std::string_view> Value::as_string() const noexcept {
  if (!is_string()) return std::nullopt;
  return std::string_view(json_string_value(p_), json_string_length(p_));
}

std::optional<std::int64_t> Value::as_int() const noexcept {
  if (!is_integer()) return std::nullopt;
  return static_cast<std::int64_t>(json_integer_value(p_));
}

std::optional<double> Value::as_real() const noexcept {
  if (!is_number()) return std::nullopt;
  return json_number_value(p_);
}

std::optional<bool> Value::as_bool() const noexcept {
  if (!is_bool()) return std::nullopt;
  return json_is_true(p_);
}

std::string Value::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

void Value::dump_to(std::string& out) const {
  if (p_ == nullptr) {
    out += "null";
    return;
  }
  json_dump_callback(p_, append_chunk, &out, kDumpFlags);
}

bool operator==(const Value& a, const Value& b) noexcept {
  if (a.p_ == nullptr || b.p_ == nullptr) return a.p_ == b.p_;
  return json_equal(a.p_, b.p_) == 1;
}

MemberRange Value::members() const noexcept { return MemberRange(is_object() ? *this : Value()); }

Member MemberIterator::operator*() const {
  return Member{std::string_view(json_object_iter_key(iter_), json_object_iter_key_len(iter_)),
                Value::borrow(json_object_iter_value(iter_))};
}

MemberIterator& MemberIterator::operator++() noexcept {
  iter_ = json_object_iter_next(object_, iter_);
  return *this;
}

MemberIterator MemberRange::begin() const noexcept {
  if (!object_.present()) return {};
  return MemberIterator(object_.raw(), json_object_iter(object_.raw()));
}

Result<Value> parse(std::string_view text) {
  json_error_t error;
  json_t* root = json_loadb(text.data(), text.size(), JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
  if (root != nullptr) return Value::adopt(root);
  const bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  const int line = error.line < 1 ? 1 : error.line;
  const int column = error.column < 1 ? 1 : error.column;
  std::string message = "malformed JSON at line " + std::to_string(line) + ", column " +
                        std::to_string(column) + ": " + (blank ? "empty document" : error.text);
  return Error{400, std::move(message)};
}

}  // namespace wire::json
