#include "services/frontend/page.hpp"

#include <gtest/gtest.h>

#include "services/frontend/proxy.hpp"

namespace {

const std::string* header(const core::http::Response& r, std::string_view name) {
  return wire::http::find_header(r.headers, name);
}

TEST(FrontendPage, WritesBrokerUrlEscapedIntoThePage) {
  frontend::Page page("/api\"><script>alert(1)</script>");
  auto r = page.index();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(r.body.find("content=\"/api&quot;&gt;&lt;script&gt;"), std::string::npos);
}

TEST(FrontendPage, StrictSecurityHeaders) {
  frontend::Page page("/api");
  auto r = page.index();
  ASSERT_NE(header(r, "Content-Security-Policy"), nullptr);
  const std::string& csp = *header(r, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_NE(csp.find("connect-src 'self';"), std::string::npos);
  EXPECT_EQ(*header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(*header(r, "X-Frame-Options"), "DENY");
  EXPECT_EQ(*header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(*header(r, "Content-Type"), "text/html; charset=utf-8");
}

TEST(FrontendPage, AbsoluteBrokerUrlIsAllowedToConnect) {
  frontend::Page page("http://localhost:8080/");
  EXPECT_NE(page.content_security_policy().find("connect-src 'self' http://localhost:8080;"), std::string::npos);
}

TEST(FrontendPage, AssetsHaveContentTypesAndCaching) {
  frontend::Page page("/api");
  auto js = page.asset("app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(*header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(header(js, "Cache-Control"), nullptr);
  EXPECT_EQ(page.asset("app.css").status, 200);
  EXPECT_EQ(page.asset("nope.js").status, 404);
  EXPECT_EQ(page.asset("../CMakeLists.txt").status, 404);
}

TEST(FrontendPage, PageScriptNeverUsesInnerHtml) {
  frontend::Page page("/api");
  auto js = page.asset("app.js");
  EXPECT_EQ(js.body.find("innerHTML"), std::string::npos);
  EXPECT_EQ(js.body.find("insertAdjacentHTML"), std::string::npos);
  EXPECT_EQ(js.body.find("document.write"), std::string::npos);
}

TEST(FrontendProxy, StripsPrefix) {
  EXPECT_EQ(frontend::strip_prefix("/api/handle", "/api"), "/handle");
  EXPECT_EQ(frontend::strip_prefix("/api", "/api"), "/");
  EXPECT_EQ(frontend::strip_prefix("/api/", "/api"), "/");
  EXPECT_EQ(frontend::strip_prefix("/api/log-grpc", "/api"), "/log-grpc");
}

TEST(FrontendPage, OriginOf) {
  EXPECT_EQ(frontend::origin_of("/api"), "");
  EXPECT_EQ(frontend::origin_of("http://broker:8080/x"), "http://broker:8080");
  EXPECT_EQ(frontend::origin_of("https://example.com"), "https://example.com");
}

}  // namespace
