// Header lookup and query-string decoding.
#include <gtest/gtest.h>

#include "wire/http/headers.hpp"
#include "wire/http/query.hpp"
#include "wire/http/request.hpp"

namespace wire::http {
namespace {

TEST(Headers, FindIsCaseInsensitiveAndFirstWins) {
  const Headers h{{"Content-Type", "text/plain"}, {"X-Dup", "1"}, {"x-dup", "2"}};
  ASSERT_NE(find_header(h, "content-type"), nullptr);
  EXPECT_EQ(*find_header(h, "CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(*find_header(h, "X-DUP"), "1");
  EXPECT_EQ(find_header(h, "content-typ"), nullptr);
  EXPECT_EQ(find_header(h, "missing"), nullptr);
  EXPECT_EQ(find_header(Headers{}, "x"), nullptr);
}

TEST(Headers, IequalsIsAsciiOnly) {
  EXPECT_TRUE(iequals("Keep-Alive", "keep-alive"));
  EXPECT_FALSE(iequals("keep-alive", "keep-alive "));
  EXPECT_FALSE(iequals("[", "{"));  // 0x5B vs 0x7B differ only in the "case" bit
}

TEST(Query, UrlDecode) {
  EXPECT_EQ(url_decode("a+b%20c%2Bd%2b"), "a b c+d+");
  EXPECT_EQ(url_decode("%E2%9C%93"), "\xE2\x9C\x93");
  EXPECT_EQ(url_decode(""), "");
  EXPECT_EQ(url_decode("100%"), std::nullopt);
  EXPECT_EQ(url_decode("%4"), std::nullopt);
  EXPECT_EQ(url_decode("%zz"), std::nullopt);
}

TEST(Query, RequestQueryParam) {
  Request r;
  r.query = "limit=5&name=log+in%21&flag&empty=&name=second&na%6De2=x&bad=%G1";
  EXPECT_EQ(r.query_param("limit"), "5");
  EXPECT_EQ(r.query_param("name"), "log in!");  // first match
  EXPECT_EQ(r.query_param("flag"), "");
  EXPECT_EQ(r.query_param("empty"), "");
  EXPECT_EQ(r.query_param("name2"), "x");  // names are decoded too
  EXPECT_EQ(r.query_param("bad"), std::nullopt);
  EXPECT_EQ(r.query_param("missing"), std::nullopt);
  EXPECT_EQ(r.query_param("lim"), std::nullopt);
  r.query = "";
  EXPECT_EQ(r.query_param("limit"), std::nullopt);
  r.query = "&&a=1&";
  EXPECT_EQ(r.query_param("a"), "1");
}

}  // namespace
}  // namespace wire::http
