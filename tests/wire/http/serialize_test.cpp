// Byte-exact serialization of responses and client requests.
#include "wire/http/serialize.hpp"

#include <gtest/gtest.h>

namespace wire::http {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

TEST(SerializeResponse, OkWithBody) {
  Response r{200, {{"Content-Type", "application/json"}}, "{\"error\":false}"};
  std::string out = "prefix|";
  serialize_response(r, out, true, kDate);
  EXPECT_EQ(out,
            "prefix|HTTP/1.1 200 OK\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 15\r\n"
            "\r\n"
            "{\"error\":false}");
}

TEST(SerializeResponse, NoContent) {
  Response r{204, {}, "ignored"};
  std::string out;
  serialize_response(r, out, true);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST(SerializeResponse, NotModifiedAndInterimHaveNoBodyOrLength) {
  std::string out;
  serialize_response(Response{304, {{"ETag", "\"x\""}}, ""}, out, true);
  EXPECT_EQ(out, "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n");
  out.clear();
  serialize_response(Response{100, {}, ""}, out, true);
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(SerializeResponse, HeadKeepsLengthDropsBody) {
  Response r{200, {{"Content-Type", "text/plain"}}, "hello"};
  std::string out;
  serialize_response(r, out, true, {}, true);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
}

TEST(SerializeResponse, NotKeepAlive) {
  Response r{404, {}, "nope"};
  std::string out;
  serialize_response(r, out, false);
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope");
}

TEST(SerializeResponse, Http10) {
  Response r{200, {}, "."};
  std::string out;
  serialize_response(r, out, true, kDate, false, 0);
  EXPECT_EQ(out,
            "HTTP/1.0 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Length: 1\r\nConnection: keep-alive\r\n\r\n.");
  out.clear();
  serialize_response(r, out, false, {}, false, 0);
  EXPECT_EQ(out, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n.");
}

TEST(SerializeResponse, CallerFramingWins) {
  std::string out;
  serialize_response(Response{200, {{"Transfer-Encoding", "chunked"}}, "0\r\n\r\n"}, out, true);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  out.clear();
  serialize_response(Response{200, {{"content-length", "99"}}, ""}, out, true, {}, true);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n");
}

TEST(SerializeResponse, UnknownStatus) {
  std::string out;
  serialize_response(Response{599, {{"Retry-After", "1"}}, ""}, out, true);
  EXPECT_EQ(out, "HTTP/1.1 599 Unknown\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n");
}

TEST(SerializeRequest, GetHasNoLength) {
  ClientRequest r;
  r.target = "/logs?limit=5";
  r.host = "logger:8083";
  r.headers = {{"Accept", "application/json"}};
  std::string out;
  serialize_request(r, out);
  EXPECT_EQ(out,
            "GET /logs?limit=5 HTTP/1.1\r\nHost: logger:8083\r\nAccept: application/json\r\n\r\n");
}

TEST(SerializeRequest, PostWithBodyAndEmptyPost) {
  ClientRequest r{
      "POST", "/authenticate", "auth:8082", {{"Content-Type", "application/json"}}, "{\"a\":1}"};
  std::string out;
  serialize_request(r, out);
  EXPECT_EQ(out,
            "POST /authenticate HTTP/1.1\r\nHost: auth:8082\r\nContent-Type: application/json\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
  out.clear();
  serialize_request(ClientRequest{"PUT", "/x", "h", {}, ""}, out);
  EXPECT_EQ(out, "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace wire::http
