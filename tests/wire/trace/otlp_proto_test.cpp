#include "wire/trace/otlp_proto.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <vector>

#include "wire/proto/codec.hpp"

namespace wire::trace {
namespace {

// One decoded message: every field by number, in order (repeated fields keep all values).
using Fields = std::multimap<std::uint32_t, proto::Field>;

Fields decode(std::string_view bytes) {
  Fields fields;
  proto::Reader reader(bytes);
  proto::Field f;
  for (;;) {
    auto more = reader.next(f);
    EXPECT_TRUE(more) << "malformed protobuf";
    if (!more || !more.value()) break;
    fields.emplace(f.number, f);
  }
  return fields;
}

std::vector<proto::Field> all(const Fields& fields, std::uint32_t number) {
  std::vector<proto::Field> out;
  auto [from, to] = fields.equal_range(number);
  for (auto it = from; it != to; ++it) out.push_back(it->second);
  return out;
}

const proto::Field& one(const Fields& fields, std::uint32_t number) {
  static const proto::Field missing;
  EXPECT_EQ(fields.count(number), 1u) << "field " << number;
  auto it = fields.find(number);
  return it == fields.end() ? missing : it->second;
}

SpanData sample_span() {
  SpanData s;
  const SpanContext parent =
      *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  s.trace_id = parent.trace_id;
  s.span_id = {1, 2, 3, 4, 5, 6, 7, 8};
  s.parent_span_id = parent.span_id;
  s.tracestate = "rojo=00f067aa0ba902b7";
  s.name = "POST /handle";
  s.kind = SpanKind::server;
  s.start_unix_nano = 1765000000123456789ULL;
  s.end_unix_nano = 1765000000223456789ULL;
  s.attributes = {{"http.request.method", std::string("POST")},
                  {"http.response.status_code", std::int64_t{-202}},
                  {"sampled.ratio", 0.5},
                  {"error", false},
                  {"url.query", std::string()}};
  s.status = StatusCode::error;
  s.status_message = "boom";
  return s;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out.append({digits[c >> 4], digits[c & 15]});
  return out;
}

TEST(OtlpProto, EncodesOneResourceScopeAndSpan) {
  std::vector<SpanData> spans{sample_span()};
  const std::string bytes =
      encode_otlp_proto("broker", {{"service.version", std::string("1.0")}}, spans);
  Fields request = decode(bytes);
  Fields rs = decode(one(request, 1).bytes);
  Fields resource = decode(one(rs, 1).bytes);
  auto res_attrs = all(resource, 1);
  ASSERT_EQ(res_attrs.size(), 2u);
  Fields name_kv = decode(res_attrs[0].bytes);
  EXPECT_EQ(one(name_kv, 1).bytes, "service.name");
  EXPECT_EQ(one(decode(one(name_kv, 2).bytes), 1).bytes, "broker");

  Fields ss = decode(one(rs, 2).bytes);
  EXPECT_EQ(one(decode(one(ss, 1).bytes), 1).bytes, "microservices");
  Fields span = decode(one(ss, 2).bytes);
  EXPECT_EQ(hex(one(span, 1).bytes), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(hex(one(span, 2).bytes), "0102030405060708");
  EXPECT_EQ(one(span, 3).bytes, "rojo=00f067aa0ba902b7");
  EXPECT_EQ(hex(one(span, 4).bytes), "00f067aa0ba902b7");
  EXPECT_EQ(one(span, 5).bytes, "POST /handle");
  EXPECT_EQ(one(span, 6).varint, 2u);
  EXPECT_EQ(one(span, 7).type, proto::WireType::fixed64);
  EXPECT_EQ(one(span, 7).varint, 1765000000123456789ULL);
  EXPECT_EQ(one(span, 8).varint, 1765000000223456789ULL);

  auto attrs = all(span, 9);
  ASSERT_EQ(attrs.size(), 5u);
  Fields method = decode(attrs[0].bytes);
  EXPECT_EQ(one(method, 1).bytes, "http.request.method");
  EXPECT_EQ(one(decode(one(method, 2).bytes), 1).bytes, "POST");
  Fields status_code = decode(one(decode(attrs[1].bytes), 2).bytes);
  EXPECT_EQ(static_cast<std::int64_t>(one(status_code, 3).varint), -202);
  Fields ratio = decode(one(decode(attrs[2].bytes), 2).bytes);
  EXPECT_EQ(std::bit_cast<double>(one(ratio, 4).varint), 0.5);
  // A oneof member holding its default value is still present: false, "".
  Fields flag = decode(one(decode(attrs[3].bytes), 2).bytes);
  EXPECT_EQ(one(flag, 2).varint, 0u);
  Fields empty = decode(one(decode(attrs[4].bytes), 2).bytes);
  EXPECT_EQ(one(empty, 1).bytes, "");

  Fields status = decode(one(span, 15).bytes);
  EXPECT_EQ(one(status, 2).bytes, "boom");
  EXPECT_EQ(one(status, 3).varint, 2u);
}

TEST(OtlpProto, RootSpanHasNoParentAndOkSpanNoStatus) {
  SpanData s = sample_span();
  s.parent_span_id = {};
  s.tracestate.clear();
  s.status = StatusCode::unset;
  s.status_message.clear();
  std::vector<SpanData> spans{s};
  const std::string bytes = encode_otlp_proto("auth", {}, spans);  // the fields view into it
  Fields span = decode(one(decode(one(decode(one(decode(bytes), 1).bytes), 2).bytes), 2).bytes);
  EXPECT_EQ(span.count(3), 0u);
  EXPECT_EQ(span.count(4), 0u);
  EXPECT_EQ(span.count(15), 0u);
}

TEST(OtlpProto, LengthsPastOneVarintByteAndManySpans) {
  SpanData s = sample_span();
  s.name = std::string(300, 'n');  // a length that needs two varint bytes
  std::vector<SpanData> spans(600, s);  // a scope of well over 2^14 bytes: a 3-byte length
  const std::string bytes = encode_otlp_proto("auth", {}, spans);
  Fields ss = decode(one(decode(one(decode(bytes), 1).bytes), 2).bytes);
  auto encoded = all(ss, 2);
  ASSERT_EQ(encoded.size(), 600u);
  EXPECT_EQ(one(decode(encoded.back().bytes), 5).bytes, s.name);
  const std::string none = encode_otlp_proto("auth", {}, {});
  auto empty = decode(one(decode(none), 1).bytes);
  EXPECT_EQ(all(decode(one(empty, 2).bytes), 2).size(), 0u);
}

}  // namespace
}  // namespace wire::trace
