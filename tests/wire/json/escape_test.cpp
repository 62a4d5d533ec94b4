#include "wire/json/escape.hpp"

#include <gtest/gtest.h>

#include "wire/json/utf8.hpp"
#include "wire/json/value.hpp"

namespace wire::json {
namespace {

std::string quoted(std::string_view s) {
  std::string out = "prefix:";
  append_json_string(out, s);
  return out;
}

TEST(JsonEscape, Plain) { EXPECT_EQ(quoted("hello /path"), R"(prefix:"hello /path")"); }

TEST(JsonEscape, QuotesBackslashAndShortForms) {
  EXPECT_EQ(quoted("a\"b\\c\nd\re\tf\bg\fh"), R"(prefix:"a\"b\\c\nd\re\tf\bg\fh")");
}

TEST(JsonEscape, OtherControlCharactersAsU00XX) {
  EXPECT_EQ(quoted(std::string_view("\x01\x1F\0\x7F", 4)), "prefix:\"\\u0001\\u001F\\u0000\x7F\"");
}

TEST(JsonEscape, KeepsUtf8) {
  EXPECT_EQ(quoted("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
            "prefix:\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
}

TEST(JsonEscape, ReplacesMalformedUtf8) {
  // Lone continuation, overlong "/", surrogate, truncated sequence at the end.
  EXPECT_EQ(quoted("a\x80"
                   "b\xC0\xAF"
                   "c\xED\xA0\x80"
                   "d\xE2\x82"),
            "prefix:\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "d\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonEscape, AgreesWithJansson) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
  all += "\xC3\xA9";
  std::string ours;
  append_json_string(ours, all);
  EXPECT_EQ(ours, Value::string(all).dump());
  auto back = parse(ours);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back->as_string(), all);
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain \xF4\x8F\xBF\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
  EXPECT_EQ(sanitize_utf8("ok\xFE"), "ok\xEF\xBF\xBD");
}

}  // namespace
}  // namespace wire::json
