#include "wire/trace/otlp_json.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "wire/json/value.hpp"

namespace wire::trace {
namespace {

SpanData sample_span() {
  SpanData s;
  const SpanContext parent =
      *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  s.trace_id = parent.trace_id;
  s.span_id = {1, 2, 3, 4, 5, 6, 7, 8};
  s.parent_span_id = parent.span_id;
  s.name = "POST /handle \"quoted\"";
  s.kind = SpanKind::server;
  s.start_unix_nano = 1765000000123456789ULL;
  s.end_unix_nano = 1765000000223456789ULL;
  s.attributes = {{"http.request.method", std::string("POST")},
                  {"http.response.status_code", std::int64_t{202}},
                  {"sampled.ratio", 0.5},
                  {"error", false}};
  s.status = StatusCode::error;
  s.status_message = "boom";
  return s;
}

TEST(OtlpJson, EncodesOneResourceScopeAndSpan) {
  std::vector<SpanData> spans{sample_span()};
  const std::string text =
      encode_otlp_json("broker", {{"service.version", std::string("1.0")}}, spans);
  auto doc = json::parse(text);
  ASSERT_TRUE(doc) << text;
  auto rs = doc->get("resourceSpans").at(0);
  auto res = rs.get("resource").get("attributes");
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res.at(0).get("key").as_string(), "service.name");
  EXPECT_EQ(res.at(0).get("value").get("stringValue").as_string(), "broker");
  auto span = rs.get("scopeSpans").at(0).get("spans").at(0);
  EXPECT_EQ(span.get("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(span.get("spanId").as_string(), "0102030405060708");
  EXPECT_EQ(span.get("parentSpanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(span.get("name").as_string(), "POST /handle \"quoted\"");
  EXPECT_EQ(span.get("kind").as_int(), 2);
  EXPECT_EQ(span.get("startTimeUnixNano").as_string(), "1765000000123456789");
  EXPECT_EQ(span.get("endTimeUnixNano").as_string(), "1765000000223456789");
  auto attrs = span.get("attributes");
  ASSERT_EQ(attrs.size(), 4u);
  EXPECT_EQ(attrs.at(1).get("value").get("intValue").as_string(), "202");
  EXPECT_EQ(attrs.at(3).get("value").get("boolValue").as_bool(), false);
  EXPECT_EQ(span.get("status").get("code").as_int(), 2);
  EXPECT_EQ(span.get("status").get("message").as_string(), "boom");
}

TEST(OtlpJson, RootSpanHasNoParentAndEmptyBatchIsValid) {
  SpanData s = sample_span();
  s.parent_span_id = {};
  std::vector<SpanData> spans{s};
  auto doc = json::parse(encode_otlp_json("auth", {}, spans));
  ASSERT_TRUE(doc);
  auto span = doc->get("resourceSpans").at(0).get("scopeSpans").at(0).get("spans").at(0);
  EXPECT_FALSE(span.get("parentSpanId").as_string());
  auto empty = json::parse(encode_otlp_json("auth", {}, {}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->get("resourceSpans").at(0).get("scopeSpans").at(0).get("spans").size(), 0u);
}

}  // namespace
}  // namespace wire::trace
