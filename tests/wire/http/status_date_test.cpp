// Reason phrases and the Date header format.
#include <gtest/gtest.h>

#include "wire/http/date.hpp"
#include "wire/http/status.hpp"

namespace wire::http {
namespace {

TEST(Status, Text) {
  EXPECT_EQ(status_text(200), "OK");
  EXPECT_EQ(status_text(202), "Accepted");
  EXPECT_EQ(status_text(204), "No Content");
  EXPECT_EQ(status_text(400), "Bad Request");
  EXPECT_EQ(status_text(401), "Unauthorized");
  EXPECT_EQ(status_text(404), "Not Found");
  EXPECT_EQ(status_text(405), "Method Not Allowed");
  EXPECT_EQ(status_text(413), "Content Too Large");
  EXPECT_EQ(status_text(429), "Too Many Requests");
  EXPECT_EQ(status_text(431), "Request Header Fields Too Large");
  EXPECT_EQ(status_text(500), "Internal Server Error");
  EXPECT_EQ(status_text(501), "Not Implemented");
  EXPECT_EQ(status_text(502), "Bad Gateway");
  EXPECT_EQ(status_text(503), "Service Unavailable");
  EXPECT_EQ(status_text(504), "Gateway Timeout");
  EXPECT_EQ(status_text(505), "HTTP Version Not Supported");
  EXPECT_EQ(status_text(299), "Unknown");
  EXPECT_EQ(status_text(-1), "Unknown");
}

TEST(Date, KnownDates) {
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110 example
  EXPECT_EQ(format_http_date(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");  // leap day
  EXPECT_EQ(format_http_date(1700000000), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(format_http_date(2147483648), "Tue, 19 Jan 2038 03:14:08 GMT");  // past int32
  EXPECT_EQ(format_http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
}

}  // namespace
}  // namespace wire::http
