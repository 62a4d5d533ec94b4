#include "services/frontend/cache.hpp"

#include <gtest/gtest.h>

namespace {

using frontend::none_match_hits;

TEST(FrontendCache, ContentHashIsStableHexAndTracksContent) {
  EXPECT_EQ(frontend::content_hash(""), "cbf29ce484222325");  // the FNV-1a 64 offset basis
  EXPECT_EQ(frontend::content_hash("a"), "af63dc4c8601ec8c");
  EXPECT_NE(frontend::content_hash("body{}"), frontend::content_hash("body{ }"));
  EXPECT_EQ(frontend::entity_tag("a"), "\"af63dc4c8601ec8c\"");
}

TEST(FrontendCache, IfNoneMatch) {
  const std::string tag = "\"abc\"";
  EXPECT_TRUE(none_match_hits("\"abc\"", tag));
  EXPECT_TRUE(none_match_hits("W/\"abc\"", tag));  // weak comparison
  EXPECT_TRUE(none_match_hits(" \"x\" ,\t\"abc\" ", tag));
  EXPECT_TRUE(none_match_hits("*", tag));
  EXPECT_FALSE(none_match_hits("", tag));
  EXPECT_FALSE(none_match_hits("\"abcd\"", tag));
  EXPECT_FALSE(none_match_hits("abc", tag));  // an unquoted value is not the tag
  EXPECT_FALSE(none_match_hits("\"x\", \"y\"", tag));
}

TEST(FrontendCache, FingerprintGoesBeforeTheExtension) {
  EXPECT_EQ(frontend::fingerprinted("app.js", "0a1b"), "app.0a1b.js");
  EXPECT_EQ(frontend::fingerprinted("app.min.css", "0a1b"), "app.min.0a1b.css");
  EXPECT_EQ(frontend::fingerprinted("img/logo.svg", "0a1b"), "img/logo.0a1b.svg");
  EXPECT_EQ(frontend::fingerprinted("LICENSE", "0a1b"), "LICENSE.0a1b");
  EXPECT_EQ(frontend::fingerprinted("v1.2/README", "0a1b"), "v1.2/README.0a1b");
}

}  // namespace
