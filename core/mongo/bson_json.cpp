#include "core/mongo/bson_json.hpp"

#include <fmt/core.h>

#include <chrono>
#include <ctime>
#include <string>

namespace core::mongo {

using wire::json::Value;

Value date(std::int64_t unix_ms) {
  Value marker = Value::object();
  marker.set("$date", Value::integer(unix_ms));
  return marker;
}

std::int64_t now_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339(std::int64_t unix_ms) {
  // Floor division, so times before 1970 keep a non-negative millisecond part.
  std::int64_t secs = unix_ms / 1000;
  std::int64_t ms = unix_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

namespace detail {

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(Error::Kind::invalid, 0, 0, "mongo: " + message);
}

// {"$date": <integer>} and nothing else.
bool date_marker(const Value& v, std::int64_t* ms) {
  if (!v.is_object() || v.size() != 1) return false;
  auto n = v.get("$date").as_int();
  if (!n) return false;
  *ms = *n;
  return true;
}

void append_value(bson_t* out, const char* key, int key_len, const Value& v);

void append_members(bson_t* out, const Value& object) {
  for (const auto& [key, value] : object.members()) {
    if (key.find('\0') != std::string_view::npos) invalid("a key contains a NUL byte");
    append_value(out, key.data(), static_cast<int>(key.size()), value);
  }
}

void append_elements(bson_t* out, const Value& array) {
  for (std::size_t i = 0; i < array.size(); ++i) {
    const char* key;
    char buf[16];
    auto len = bson_uint32_to_string(static_cast<std::uint32_t>(i), &key, buf, sizeof buf);
    append_value(out, key, static_cast<int>(len), array.at(i));
  }
}

void append_value(bson_t* out, const char* key, int key_len, const Value& v) {
  bool ok = true;
  std::int64_t ms = 0;
  if (v.is_object()) {
    if (date_marker(v, &ms)) {
      ok = bson_append_date_time(out, key, key_len, ms);
    } else {
      bson_t child;
      ok = bson_append_document_begin(out, key, key_len, &child);
      if (ok) {
        append_members(&child, v);
        ok = bson_append_document_end(out, &child);
      }
    }
  } else if (v.is_array()) {
    bson_t child;
    ok = bson_append_array_begin(out, key, key_len, &child);
    if (ok) {
      append_elements(&child, v);
      ok = bson_append_array_end(out, &child);
    }
  } else if (auto s = v.as_string()) {
    ok = bson_append_utf8(out, key, key_len, s->data(), static_cast<int>(s->size()));
  } else if (auto i = v.as_int()) {
    ok = bson_append_int64(out, key, key_len, *i);
  } else if (v.is_real()) {
    ok = bson_append_double(out, key, key_len, *v.as_real());
  } else if (auto b = v.as_bool()) {
    ok = bson_append_bool(out, key, key_len, *b);
  } else {
    ok = bson_append_null(out, key, key_len);
  }
  // libbson refuses only when the document would exceed its size limit.
  if (!ok) invalid("document too large for BSON");
}

Value element_to_json(const bson_iter_t* it);

Value document_to_json(const bson_iter_t* parent, bool array) {
  bson_iter_t child;
  Value out = array ? Value::array() : Value::object();
  if (!bson_iter_recurse(parent, &child)) return out;
  while (bson_iter_next(&child)) {
    if (array) {
      out.push(element_to_json(&child));
    } else {
      out.set(std::string_view(bson_iter_key(&child), bson_iter_key_len(&child)),
              element_to_json(&child));
    }
  }
  return out;
}

// The rare types: libbson's relaxed extended JSON of {"v": value}, member "v".
Value extended_json(const bson_iter_t* it) {
  BsonPtr one = make_bson();
  bson_append_iter(one.get(), "v", 1, it);
  std::size_t len = 0;
  char* text = bson_as_relaxed_extended_json(one.get(), &len);
  if (text == nullptr) return Value::null();
  auto parsed = wire::json::parse(std::string_view(text, len));
  bson_free(text);
  return parsed ? parsed.value().get("v") : Value::null();
}

Value element_to_json(const bson_iter_t* it) {
  switch (bson_iter_type(it)) {
    case BSON_TYPE_UTF8: {
      std::uint32_t len = 0;
      const char* s = bson_iter_utf8(it, &len);
      return Value::string(std::string_view(s, len));
    }
    case BSON_TYPE_INT32:
      return Value::integer(bson_iter_int32(it));
    case BSON_TYPE_INT64:
      return Value::integer(bson_iter_int64(it));
    case BSON_TYPE_DOUBLE:
      return Value::real(bson_iter_double(it));
    case BSON_TYPE_BOOL:
      return Value::boolean(bson_iter_bool(it));
    case BSON_TYPE_NULL:
    case BSON_TYPE_UNDEFINED:
      return Value::null();
    case BSON_TYPE_DOCUMENT:
      return document_to_json(it, false);
    case BSON_TYPE_ARRAY:
      return document_to_json(it, true);
    case BSON_TYPE_DATE_TIME:
      return Value::string(format_rfc3339(bson_iter_date_time(it)));
    case BSON_TYPE_OID: {
      char hex[25];
      bson_oid_to_string(bson_iter_oid(it), hex);
      return Value::string(hex);
    }
    case BSON_TYPE_DECIMAL128: {
      bson_decimal128_t d;
      char text[BSON_DECIMAL128_STRING];
      bson_iter_decimal128(it, &d);
      bson_decimal128_to_string(&d, text);
      return Value::string(text);
    }
    default:
      return extended_json(it);
  }
}

}  // namespace

BsonPtr to_bson(const Value& object) {
  BsonPtr out = make_bson();
  if (object.is_null()) return out;
  if (!object.is_object()) invalid("a document must be a JSON object");
  append_members(out.get(), object);
  return out;
}

Value to_json(const bson_t& doc) {
  Value out = Value::object();
  bson_iter_t it;
  if (!bson_iter_init(&it, &doc)) return out;
  while (bson_iter_next(&it)) {
    out.set(std::string_view(bson_iter_key(&it), bson_iter_key_len(&it)), element_to_json(&it));
  }
  return out;
}

}  // namespace detail

}  // namespace core::mongo
