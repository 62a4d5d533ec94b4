#include "services/frontend/security.hpp"

#include <gtest/gtest.h>

namespace {

TEST(FrontendSecurity, StrictPolicy) {
  const std::string csp = frontend::page_policy("/api");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("style-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("connect-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(csp.find("object-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("base-uri 'none'"), std::string::npos);
  EXPECT_NE(csp.find("require-trusted-types-for 'script'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-"), std::string::npos);
  EXPECT_EQ(csp.find('*'), std::string::npos);
}

TEST(FrontendSecurity, AbsoluteBrokerUrlIsAllowedToConnect) {
  EXPECT_NE(frontend::page_policy("http://localhost:8080/").find("connect-src 'self' http://localhost:8080;"),
            std::string::npos);
  EXPECT_NE(frontend::page_policy("https://api.example.com/v1?x=1")
                .find("connect-src 'self' https://api.example.com;"),
            std::string::npos);
}

TEST(FrontendSecurity, OriginOf) {
  EXPECT_EQ(frontend::origin_of("/api"), "");
  EXPECT_EQ(frontend::origin_of("http://broker:8080/x"), "http://broker:8080");
  EXPECT_EQ(frontend::origin_of("https://example.com"), "https://example.com");
  EXPECT_EQ(frontend::origin_of("https://example.com?q"), "https://example.com");
  EXPECT_EQ(frontend::origin_of("javascript://x"), "");
}

TEST(FrontendSecurity, ApiAnswersAreNeverRenderedOrCached) {
  wire::http::Headers h;
  frontend::add_api_headers(h);
  EXPECT_EQ(*wire::http::find_header(h, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(*wire::http::find_header(h, "Cache-Control"), "no-store");
  EXPECT_EQ(*wire::http::find_header(h, "Content-Security-Policy"),
            "default-src 'none'; frame-ancestors 'none'");
}

}  // namespace
