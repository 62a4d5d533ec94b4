#include "services/frontend/page.hpp"

#include <gtest/gtest.h>

#include "services/frontend/handlers.hpp"
#include "services/frontend/proxy.hpp"

namespace {

const std::string* header(const core::http::Response& r, std::string_view name) {
  return wire::http::find_header(r.headers, name);
}

std::string header_or_empty(const core::http::Response& r, std::string_view name) {
  const std::string* v = header(r, name);
  return v ? *v : std::string();
}

TEST(FrontendPage, WritesBrokerUrlEscapedIntoThePage) {
  frontend::Page page("/api\"><script>alert(1)</script>");
  auto r = page.index();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(r.body.find("content=\"/api&quot;&gt;&lt;script&gt;"), std::string::npos);
}

TEST(FrontendPage, IndexIsHtmlRevalidatedByEtag) {
  frontend::Page page("/api");
  auto r = page.index();
  EXPECT_EQ(header_or_empty(r, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header_or_empty(r, "Cache-Control"), "no-cache");
  const std::string etag = header_or_empty(r, "ETag");
  ASSERT_EQ(etag.size(), 18u);
  EXPECT_EQ(etag.front(), '"');

  auto again = page.index(etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(header(again, "Content-Type"), nullptr);
  EXPECT_EQ(header_or_empty(again, "ETag"), etag);
  EXPECT_EQ(header_or_empty(again, "Cache-Control"), "no-cache");
  EXPECT_NE(header(again, "Content-Security-Policy"), nullptr);

  EXPECT_EQ(page.index("W/" + etag).status, 304);
  EXPECT_EQ(page.index("\"other\", " + etag).status, 304);
  EXPECT_EQ(page.index("\"other\"").status, 200);
}

TEST(FrontendPage, TheBrokerUrlChangesThePageEtag) {
  frontend::Page a("/api");
  frontend::Page b("http://broker.example:8080");
  EXPECT_NE(header_or_empty(a.index(), "ETag"), header_or_empty(b.index(), "ETag"));
}

TEST(FrontendPage, PageRefersToFingerprintedAssets) {
  frontend::Page page("/api");
  const std::string body = page.index().body;
  for (const char* name : {"app.js", "view.js", "app.css", "favicon.svg"}) {
    const std::string path = page.asset_path(name);
    ASSERT_FALSE(path.empty()) << name;
    EXPECT_NE(path, std::string("/static/") + name);
    EXPECT_NE(body.find("\"" + path + "\""), std::string::npos) << path;
    EXPECT_EQ(body.find(std::string("\"/static/") + name + "\""), std::string::npos) << name;
  }
  EXPECT_EQ(page.asset_path("nope.js"), "");
}

TEST(FrontendPage, FingerprintedAssetsAreImmutable) {
  frontend::Page page("/api");
  const std::string path = page.asset_path("app.js");
  auto r = page.asset(std::string_view(path).substr(8));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header_or_empty(r, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header_or_empty(r, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_NE(path.find(header_or_empty(r, "ETag").substr(1, 16)), std::string::npos);
}

TEST(FrontendPage, PlainAssetNamesAreRevalidated) {
  frontend::Page page("/api");
  auto css = page.asset("app.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(header_or_empty(css, "Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(header_or_empty(css, "Cache-Control"), "no-cache");
  auto again = page.asset("app.css", header_or_empty(css, "ETag"));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(page.asset("app.css", "*").status, 304);
  EXPECT_EQ(header_or_empty(page.asset("favicon.svg"), "Content-Type"), "image/svg+xml");
}

TEST(FrontendPage, UnknownAssetsAre404) {
  frontend::Page page("/api");
  EXPECT_EQ(page.asset("nope.js").status, 404);
  EXPECT_EQ(page.asset("../CMakeLists.txt").status, 404);
  EXPECT_EQ(page.asset("index.html").status, 404);
  EXPECT_EQ(page.asset("app.0000000000000000.js").status, 404);
}

TEST(FrontendPage, EveryAnswerCarriesTheSecurityHeaders) {
  frontend::Page page("/api");
  for (const auto& r : {page.index(), page.asset("app.js"), page.asset("app.css")}) {
    EXPECT_EQ(header_or_empty(r, "Content-Security-Policy"), page.content_security_policy());
    EXPECT_EQ(header_or_empty(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header_or_empty(r, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header_or_empty(r, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(header_or_empty(r, "Cross-Origin-Opener-Policy"), "same-origin");
    EXPECT_NE(header_or_empty(r, "Permissions-Policy").find("camera=()"), std::string::npos);
  }
}

TEST(FrontendPage, PageScriptsNeverWriteHtml) {
  frontend::Page page("/api");
  for (const char* name : {"app.js", "view.js"}) {
    auto js = page.asset(name);
    ASSERT_EQ(js.status, 200) << name;
    for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                             "new Function", "createContextualFragment", "DOMParser"}) {
      EXPECT_EQ(js.body.find(sink), std::string::npos) << name << " uses " << sink;
    }
  }
}

TEST(FrontendPage, PageHasNoInlineScriptOrStyle) {
  frontend::Page page("/api");
  const std::string body = page.index().body;
  EXPECT_EQ(body.find("<script>"), std::string::npos);
  EXPECT_EQ(body.find("<style"), std::string::npos);
  EXPECT_EQ(body.find(" style="), std::string::npos);
  EXPECT_EQ(body.find(" on"), std::string::npos);  // onclick= and friends
}

TEST(FrontendPage, PageHasTheGoPagesButtons) {
  frontend::Page page("/api");
  const std::string body = page.index().body;
  for (const char* label : {"Test Broker", "Test Auth", "Test Log", "Test Mail", "Test gRPC log",
                            "Sent", "Received", "Output", "logTransport"}) {
    EXPECT_NE(body.find(label), std::string::npos) << label;
  }
}

TEST(FrontendProxy, StripsPrefix) {
  EXPECT_EQ(frontend::strip_prefix("/api/handle", "/api"), "/handle");
  EXPECT_EQ(frontend::strip_prefix("/api", "/api"), "/");
  EXPECT_EQ(frontend::strip_prefix("/api/", "/api"), "/");
  EXPECT_EQ(frontend::strip_prefix("/api/log-grpc", "/api"), "/log-grpc");
}

TEST(FrontendSettings, BrokerUrlShapes) {
  for (const char* good :
       {"/api", "/", "/broker/v1", "http://127.0.0.1:8080", "https://api.example.com/broker/"}) {
    EXPECT_TRUE(frontend::valid_broker_url(good)) << good;
  }
  for (const char* bad :
       {"", "api", "//evil.example", "javascript:alert(1)", "ftp://host/", "http://u:p@host/",
        "http://host; script-src *", "/api\"><script>", "/a'b", "http://a,b/"}) {
    EXPECT_FALSE(frontend::valid_broker_url(bad)) << bad;
  }
}

}  // namespace
