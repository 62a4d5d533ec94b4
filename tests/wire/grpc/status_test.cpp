#include <gtest/gtest.h>

#include "wire/grpc/status.hpp"

namespace wire::grpc {
namespace {

TEST(GrpcStatus, ParsesTheTrailerText) {
  EXPECT_EQ(parse_status("0"), StatusCode::ok);
  EXPECT_EQ(parse_status("16"), StatusCode::unauthenticated);
  EXPECT_EQ(parse_status("17"), StatusCode::unknown);
  EXPECT_EQ(parse_status("-1"), StatusCode::unknown);
  EXPECT_EQ(parse_status(""), StatusCode::unknown);
  EXPECT_EQ(parse_status("3 "), StatusCode::unknown);
  EXPECT_EQ(status_name(StatusCode::resource_exhausted), "RESOURCE_EXHAUSTED");
}

// grpc's doc/http-grpc-status-mapping.md, for responses that are not gRPC at all.
TEST(GrpcStatus, MapsHttpStatusesAsTheSpecSays) {
  EXPECT_EQ(status_from_http(400), StatusCode::internal);
  EXPECT_EQ(status_from_http(401), StatusCode::unauthenticated);
  EXPECT_EQ(status_from_http(403), StatusCode::permission_denied);
  EXPECT_EQ(status_from_http(404), StatusCode::unimplemented);
  for (int s : {429, 502, 503, 504}) EXPECT_EQ(status_from_http(s), StatusCode::unavailable) << s;
  EXPECT_EQ(status_from_http(500), StatusCode::unknown);
  EXPECT_EQ(status_from_http(415), StatusCode::unknown);
}

}  // namespace
}  // namespace wire::grpc
