// gRPC length-prefixed messages: fed whole, byte by byte, several at once, and garbage.
#include <gtest/gtest.h>

#include "wire/grpc/framing.hpp"

namespace wire::grpc {
namespace {

std::string framed(std::string_view m) {
  std::string out;
  append_message(out, m);
  return out;
}

TEST(Framing, AppendWritesFlagAndBigEndianLength) {
  EXPECT_EQ(framed("abc"), std::string("\0\0\0\0\3abc", 8));
  EXPECT_EQ(framed(""), std::string("\0\0\0\0\0", 5));
  EXPECT_EQ(framed(std::string(0x010203, 'x')).substr(0, 5), std::string("\0\0\x01\x02\x03", 5));
}

TEST(Framing, WholeMessage) {
  Deframer d;
  ASSERT_TRUE(d.feed(framed("hello")));
  ASSERT_EQ(d.messages().size(), 1u);
  EXPECT_EQ(d.messages()[0], "hello");
  EXPECT_FALSE(d.partial());
}

TEST(Framing, ByteByByte) {
  std::string in = framed("hello") + framed("") + framed("world!");
  Deframer d;
  for (std::size_t i = 0; i < in.size(); ++i) {
    ASSERT_TRUE(d.feed(in.substr(i, 1)));
    if (i != 9 && i != 14 && i + 1 < in.size()) EXPECT_TRUE(d.partial()) << i;  // ends of "hello", ""
  }
  ASSERT_EQ(d.messages().size(), 3u);
  EXPECT_EQ(d.messages()[0], "hello");
  EXPECT_EQ(d.messages()[1], "");
  EXPECT_EQ(d.messages()[2], "world!");
  EXPECT_FALSE(d.partial());
}

TEST(Framing, SeveralInOneFeedAndTruncatedTail) {
  std::string in = framed("a") + framed("bb") + framed("ccc").substr(0, 6);
  Deframer d;
  ASSERT_TRUE(d.feed(in));
  EXPECT_EQ(d.messages().size(), 2u);
  EXPECT_TRUE(d.partial());
  EXPECT_EQ(d.buffered(), 6u);
  ASSERT_TRUE(d.feed("cc"));
  EXPECT_EQ(d.messages().size(), 3u);
  EXPECT_EQ(d.messages()[2], "ccc");
}

TEST(Framing, OverTheLimitIsRefusedFromThePrefix) {
  Deframer d(16);
  auto r = d.feed(std::string("\0\0\0\0\x11", 5));
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), StatusCode::resource_exhausted);
  EXPECT_EQ(d.buffered(), 5u);  // nothing of the body was held
  EXPECT_FALSE(d.feed("more"));  // sticky
  Deframer big;
  auto r2 = big.feed(std::string("\0\x06\x40\0\0", 5));  // 100 MiB
  ASSERT_FALSE(r2);
  EXPECT_EQ(code_of(r2.error()), StatusCode::resource_exhausted);
  Deframer exact(16);
  EXPECT_TRUE(exact.feed(framed(std::string(16, 'x'))));
}

TEST(Framing, CompressedIsUnimplementedOtherFlagsInternal) {
  Deframer d;
  auto r = d.feed(std::string("\1\0\0\0\1x", 6));
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), StatusCode::unimplemented);
  Deframer g;
  auto r2 = g.feed("GET / HTTP/1.1\r\n");
  ASSERT_FALSE(r2);
  EXPECT_EQ(code_of(r2.error()), StatusCode::internal);
}

TEST(Status, NamesAndParse) {
  EXPECT_EQ(status_name(StatusCode::invalid_argument), "INVALID_ARGUMENT");
  EXPECT_EQ(status_name(StatusCode::unauthenticated), "UNAUTHENTICATED");
  EXPECT_EQ(status_name(static_cast<StatusCode>(42)), "UNKNOWN");
  EXPECT_EQ(parse_status("0"), StatusCode::ok);
  EXPECT_EQ(parse_status("16"), StatusCode::unauthenticated);
  EXPECT_EQ(parse_status("17"), StatusCode::unknown);
  EXPECT_EQ(parse_status(""), StatusCode::unknown);
  EXPECT_EQ(parse_status("1x"), StatusCode::unknown);
}

}  // namespace
}  // namespace wire::grpc
