#include "wire/json/value.hpp"

#include <gtest/gtest.h>
#include <jansson.h>  // the reference counts, seen from below the wrapper

#include <string>
#include <vector>

namespace wire::json {
namespace {

using namespace std::string_view_literals;

TEST(JsonValue, BuildsAndDumpsCompactInInsertionOrder) {
  Value v = Value::object();
  v.set("zeta", Value::integer(1))
      .set("alpha", Value::string("a/b"))
      .set("ok", Value::boolean(true))
      .set("none", Value::null())
      .set("pi", Value::real(1.5));
  Value list = Value::array();
  list.push(Value::integer(-2)).push(Value::string("x"));
  v.set("list", list);
  EXPECT_EQ(v.dump(), R"({"zeta":1,"alpha":"a/b","ok":true,"none":null,"pi":1.5,"list":[-2,"x"]})");
}

TEST(JsonValue, ScalarsDumpAtTopLevel) {
  EXPECT_EQ(Value::string("hi").dump(), R"("hi")");
  EXPECT_EQ(Value::integer(42).dump(), "42");
  EXPECT_EQ(Value::null().dump(), "null");
  EXPECT_EQ(Value().dump(), "null");
  EXPECT_EQ(Value::real(std::numeric_limits<double>::infinity()).dump(), "null");
}

TEST(JsonValue, StringsKeepUtf8AndNul) {
  static constexpr char kText[] = "caf\xC3\xA9 \xF0\x9F\x98\x80 a\0b";
  const std::string s(kText, sizeof kText - 1);
  Value v = Value::string(s);
  ASSERT_TRUE(v.as_string());
  EXPECT_EQ(*v.as_string(), s);
  EXPECT_EQ(v.dump(), "\"caf\xC3\xA9 \xF0\x9F\x98\x80 a\\u0000b\"");
  auto back = parse(v.dump());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back->as_string(), s);
}

TEST(JsonValue, InvalidUtf8IsReplaced) {
  Value v = Value::string(
      "a\xFF"
      "b");
  EXPECT_EQ(*v.as_string(),
            "a\xEF\xBF\xBD"
            "b");
  Value o = Value::object();
  o.set("k\xC0", Value::integer(1));
  EXPECT_EQ(o.dump(), "{\"k\xEF\xBF\xBD\":1}");
}

TEST(JsonValue, GetAbsentIsNull) {
  Value o = Value::object();
  o.set("a", Value::integer(7));
  EXPECT_EQ(o.get("a").as_int(), 7);
  Value missing = o.get("b");
  EXPECT_FALSE(missing.present());
  EXPECT_TRUE(missing.is_null());
  EXPECT_FALSE(missing.as_string());
  EXPECT_FALSE(Value::integer(3).get("a").present());
  EXPECT_FALSE(Value().get("a").present());
}

TEST(JsonValue, Accessors) {
  EXPECT_EQ(Value::integer(5).as_int(), 5);
  EXPECT_FALSE(Value::real(5.5).as_int());
  EXPECT_EQ(Value::real(5.5).as_real(), 5.5);
  EXPECT_EQ(Value::integer(5).as_real(), 5.0);
  EXPECT_EQ(Value::boolean(false).as_bool(), false);
  EXPECT_FALSE(Value::integer(0).as_bool());
  EXPECT_FALSE(Value::string("1").as_int());
  EXPECT_TRUE(Value::object().is_object());
  EXPECT_TRUE(Value::array().is_array());
  EXPECT_TRUE(Value::null().is_null());
  EXPECT_TRUE(Value::null().present());
}

TEST(JsonValue, ArraysSizeAndAt) {
  auto v = parse("[1, \"two\", [3]]");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->size(), 3u);
  EXPECT_EQ(v->at(0).as_int(), 1);
  EXPECT_EQ(*v->at(1).as_string(), "two");
  EXPECT_EQ(v->at(2).at(0).as_int(), 3);
  EXPECT_FALSE(v->at(3).present());
  EXPECT_EQ(Value::string("abc").size(), 0u);
}

TEST(JsonValue, IteratesMembersInOrder) {
  auto v = parse(R"({"b":1,"a":"x","c":null})");
  ASSERT_TRUE(v.ok());
  std::vector<std::string> keys;
  for (const auto& [key, value] : v->members()) {
    keys.emplace_back(key);
    EXPECT_TRUE(value.present());
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "a", "c"}));
  int n = 0;
  for (const auto& m : Value::array().members()) n += static_cast<int>(m.key.size());
  for (const auto& m : parse(R"({"k":1})").value().members()) n += static_cast<int>(m.key.size());
  EXPECT_EQ(n, 1);
}

TEST(JsonValue, CopySharesMoveTransfers) {
  Value a = Value::object();
  json_t* node = a.raw();
  EXPECT_EQ(node->refcount, 1u);
  {
    Value b = a;
    EXPECT_EQ(node->refcount, 2u);
    b.set("k", Value::integer(1));
    EXPECT_EQ(a.get("k").as_int(), 1);  // shared node
    Value c = std::move(b);
    EXPECT_EQ(node->refcount, 2u);
    EXPECT_FALSE(b.present());  // NOLINT(bugprone-use-after-move)
    c = a;                      // self-share: count unchanged
    EXPECT_EQ(node->refcount, 2u);
    c = Value::array();
    EXPECT_EQ(node->refcount, 1u);
  }
  EXPECT_EQ(node->refcount, 1u);
  Value& self = a;
  a = self;
  a = std::move(self);
  EXPECT_EQ(a.raw(), node);
  json_t* raw = a.release();
  EXPECT_FALSE(a.present());
  Value again = Value::adopt(raw);
  EXPECT_EQ(raw->refcount, 1u);
  Value shared = Value::borrow(raw);
  EXPECT_EQ(raw->refcount, 2u);
}

TEST(JsonValue, SetReplacesAndErase) {
  Value o = Value::object();
  Value child = Value::string("x");
  o.set("k", child);
  EXPECT_EQ(child.raw()->refcount, 2u);
  o.set("k", Value::integer(2));
  EXPECT_EQ(child.raw()->refcount, 1u);
  EXPECT_EQ(o.dump(), R"({"k":2})");
  o.set("absent", Value());
  EXPECT_EQ(o.dump(), R"({"k":2,"absent":null})");
  EXPECT_TRUE(o.erase("k"));
  EXPECT_FALSE(o.erase("k"));
  EXPECT_EQ(o.size(), 1u);
  Value arr = Value::array();
  arr.set("k", Value::integer(1));  // not an object: no effect
  Value obj = Value::object();
  obj.push(Value::integer(1));  // not an array: no effect
  EXPECT_EQ(arr.dump(), "[]");
  EXPECT_EQ(obj.dump(), "{}");
}

TEST(JsonValue, Equality) {
  EXPECT_EQ(parse(R"({"a":[1,2]})").value(), parse(R"({ "a" : [1, 2] })").value());
  EXPECT_FALSE(parse("1").value() == parse("2").value());
  EXPECT_EQ(Value(), Value());
  EXPECT_FALSE(Value() == Value::null());
}

TEST(JsonParse, RoundTrips) {
  for (const char* text :
       {R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})", R"([])", R"({})", R"("x")", "0",
        "-9223372036854775808", "1.25", "null", R"({"url":"http://x/y","esc":"q\"b\\n\n\t"})"}) {
    auto v = parse(text);
    ASSERT_TRUE(v.ok()) << text << ": " << v.error().message;
    EXPECT_EQ(v->dump(), text);
  }
}

TEST(JsonParse, DuplicateKeysLastWins) {
  EXPECT_EQ(parse(R"({"a":1,"a":2})")->dump(), R"({"a":2})");
}

struct BadJson {
  std::string_view text;
  std::string message;
};

TEST(JsonParse, ErrorsNameLineAndColumn) {
  const BadJson cases[] = {
      {"", "malformed JSON at line 1, column 1: empty document"},
      {"  \n ", "malformed JSON at line 2, column 1: empty document"},
      {R"({"a" 1})", "malformed JSON at line 1, column 6: ':' expected near '1'"},
      {"{\n  \"a\": tru }", "malformed JSON at line 2, column 10: invalid token near 'tru'"},
      {R"({"a":1} x)", "malformed JSON at line 1, column 9: end of file expected near 'x'"},
      {"[1,2,", "malformed JSON at line 1, column 5: ']' expected near end of file"},
      {"12345678901234567890123", "malformed JSON at line 1, column 23: too big integer"},
  };
  for (const auto& c : cases) {
    auto v = parse(c.text);
    ASSERT_FALSE(v.ok()) << c.text;
    EXPECT_EQ(v.error().code, 400);
    EXPECT_EQ(v.error().message, c.message);
  }
}

TEST(JsonParse, RejectsInvalidUtf8AndControlCharacters) {
  auto bad_utf8 = parse("\"\xFF\"");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_NE(bad_utf8.error().message.find("unable to decode byte 0xff"), std::string::npos);
  EXPECT_FALSE(parse("\"a\nb\"").ok());
}

TEST(JsonParse, RejectsDeepNesting) {
  std::string deep(5000, '[');
  deep += std::string(5000, ']');
  auto v = parse(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, 400);
}

TEST(JsonParse, StopsAtTheGivenLength) {
  const std::string_view text = R"({"a":1}garbage)";
  auto v = parse(text.substr(0, 7));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->dump(), R"({"a":1})");
}

}  // namespace
}  // namespace wire::json
