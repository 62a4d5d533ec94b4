#include "wire/rpc/gob_primitives.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

using namespace wire::rpc::gob;

std::string uint_bytes(std::uint64_t v) {
  std::string out;
  append_uint(out, v);
  return out;
}

std::string int_bytes(std::int64_t v) {
  std::string out;
  append_int(out, v);
  return out;
}

TEST(GobPrimitives, UnsignedIntegers) {
  // Examples from encoding/gob's doc.go, and the edges of each byte count.
  EXPECT_EQ(uint_bytes(0), std::string("\x00", 1));
  EXPECT_EQ(uint_bytes(7), "\x07");
  EXPECT_EQ(uint_bytes(127), "\x7f");
  EXPECT_EQ(uint_bytes(128), "\xff\x80");
  EXPECT_EQ(uint_bytes(256), std::string("\xfe\x01\x00", 3));
  EXPECT_EQ(uint_bytes(65535), "\xfe\xff\xff");
  EXPECT_EQ(uint_bytes(UINT64_MAX), "\xf8\xff\xff\xff\xff\xff\xff\xff\xff");
}

TEST(GobPrimitives, SignedIntegersKeepTheSignInTheLowBit) {
  EXPECT_EQ(int_bytes(0), std::string("\x00", 1));
  EXPECT_EQ(int_bytes(1), "\x02");
  EXPECT_EQ(int_bytes(-1), "\x01");
  EXPECT_EQ(int_bytes(-3), "\x05");
  EXPECT_EQ(int_bytes(64), "\xff\x80");  // a type id
  EXPECT_EQ(int_bytes(-64), "\x7f");     // its definition
  EXPECT_EQ(int_bytes(-65), "\xff\x81");
  EXPECT_EQ(int_bytes(-129), std::string("\xfe\x01\x01", 3));
  EXPECT_EQ(int_bytes(INT64_MIN), "\xf8\xff\xff\xff\xff\xff\xff\xff\xff");
}

TEST(GobPrimitives, ReaderRoundTrip) {
  std::string out;
  const std::int64_t ints[] = {0, 1, -1, 63, -64, 64, 1000, -1000, INT64_MAX, INT64_MIN};
  for (std::int64_t i : ints) append_int(out, i);
  append_string(out, "hello");
  append_uint(out, 300);
  Reader r(out);
  for (std::int64_t i : ints) EXPECT_EQ(r.read_int(), i);
  EXPECT_EQ(r.read_string(), "hello");
  EXPECT_EQ(r.read_uint(), 300u);
  EXPECT_TRUE(r.empty());
  EXPECT_THROW(r.read_uint(), DecodeError);
}

TEST(GobPrimitives, ParseUintReportsIncompleteAndMalformed) {
  std::uint64_t v = 0;
  EXPECT_EQ(parse_uint("", &v), 0);
  EXPECT_EQ(parse_uint("\xfe\x01", &v), 0);  // announces two bytes, has one
  EXPECT_EQ(parse_uint("\xf7\x01\x02\x03\x04\x05\x06\x07\x08\x09", &v),
            -1);  // nine bytes: too many
  EXPECT_EQ(parse_uint(std::string("\xfe\x01\x00", 3), &v), 3);
  EXPECT_EQ(v, 256u);
  // Go accepts non-minimal forms too.
  EXPECT_EQ(parse_uint("\xff\x05", &v), 2);
  EXPECT_EQ(v, 5u);
}

TEST(GobPrimitives, ReaderRejectsStringsLongerThanTheMessage) {
  Reader r(
      "\x05"
      "abc");
  EXPECT_THROW(r.read_string(), DecodeError);
}

TEST(GobPrimitives, MessagePrefixesTheBodyLength) {
  std::string out = "x";
  append_message(out, [](std::string& b) { b.append(200, 'a'); });
  ASSERT_EQ(out.size(), 1u + 2u + 200u);
  EXPECT_EQ(out.substr(0, 3), "x\xff\xc8");
  EXPECT_EQ(out.substr(3), std::string(200, 'a'));
}

TEST(GobPrimitives, FrameCursorCutsMessages) {
  std::string stream = std::string(
      "\x02"
      "ab"
      "\x01"
      "c"
      "\x03"
      "de",
      8);
  FrameCursor frames(stream, 0, 1 << 20);
  std::string_view f;
  ASSERT_EQ(frames.next(&f), FrameCursor::Step::frame);
  EXPECT_EQ(f, "ab");
  ASSERT_EQ(frames.next(&f), FrameCursor::Step::frame);
  EXPECT_EQ(f, "c");
  EXPECT_EQ(frames.next(&f), FrameCursor::Step::incomplete);
  EXPECT_EQ(frames.pos(), 5u);

  FrameCursor empty(std::string_view("\x00\x01", 2), 0, 1 << 20);
  EXPECT_EQ(empty.next(&f), FrameCursor::Step::error);
  FrameCursor big(std::string_view("\xfd\x20\x00\x00", 4), 0, 1 << 20);  // 2 MiB announced
  EXPECT_EQ(big.next(&f), FrameCursor::Step::error);
}

}  // namespace
