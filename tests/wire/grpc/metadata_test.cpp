// grpc-timeout and grpc-message text forms.
#include <gtest/gtest.h>

#include "wire/grpc/metadata.hpp"

namespace wire::grpc {
namespace {

using std::chrono::milliseconds;

TEST(Timeout, ParsesEveryUnitRoundingUp) {
  EXPECT_EQ(parse_timeout("1H").value(), milliseconds(3'600'000));
  EXPECT_EQ(parse_timeout("2M").value(), milliseconds(120'000));
  EXPECT_EQ(parse_timeout("5S").value(), milliseconds(5000));
  EXPECT_EQ(parse_timeout("250m").value(), milliseconds(250));
  EXPECT_EQ(parse_timeout("1500u").value(), milliseconds(2));
  EXPECT_EQ(parse_timeout("1n").value(), milliseconds(1));
  EXPECT_EQ(parse_timeout("0m").value(), milliseconds(0));
  EXPECT_EQ(parse_timeout("99999999H").value(), milliseconds(99'999'999LL * 3'600'000));
}

TEST(Timeout, RefusesMalformed) {
  for (const char* bad : {"", "m", "10", "10x", "-1m", "123456789m", "1 m", "1.5S", "m10"}) {
    EXPECT_FALSE(parse_timeout(bad)) << bad;
  }
}

TEST(Timeout, FormatsWithinEightDigits) {
  EXPECT_EQ(format_timeout(milliseconds(5000)), "5000m");
  EXPECT_EQ(format_timeout(milliseconds(-3)), "0m");
  EXPECT_EQ(format_timeout(milliseconds(99'999'999)), "99999999m");
  EXPECT_EQ(format_timeout(milliseconds(100'000'000)), "100000S");
  EXPECT_EQ(format_timeout(milliseconds(100'000'001)), "100001S");
  for (auto ms : {1LL, 999LL, 123'456'789LL, 99'999'999'999LL}) {
    auto text = format_timeout(milliseconds(ms));
    EXPECT_LE(text.size(), 9u);
    EXPECT_GE(parse_timeout(text).value(), milliseconds(ms)) << text;
  }
}

TEST(Message, PercentEncodingRoundTrips) {
  EXPECT_EQ(percent_encode("field name must not be empty"), "field name must not be empty");
  EXPECT_EQ(percent_encode("100%\n\xC3\xA9"), "100%25%0A%C3%A9");
  EXPECT_EQ(percent_decode("100%25%0A%C3%A9"), "100%\n\xC3\xA9");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
  for (char c : percent_encode(all)) EXPECT_TRUE(c >= 0x20 && c <= 0x7e);
}

}  // namespace
}  // namespace wire::grpc
