// Response parsing for the client: framing by length, chunks or close; HEAD; pipelining.
#include "wire/http/response_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wire::http {
namespace {

using State = ResponseParser::State;

std::vector<Response> parse_all(ResponseParser& parser, std::string_view data,
                                std::size_t step = 0) {
  std::vector<Response> out;
  while (!data.empty()) {
    const std::size_t n = step == 0 ? data.size() : std::min(step, data.size());
    const auto p = parser.feed(data.substr(0, n));
    EXPECT_NE(p.state, State::error) << parser.error_message();
    if (p.state == State::error) break;
    data.remove_prefix(p.consumed);
    if (p.state == State::complete) out.push_back(parser.take());
  }
  return out;
}

TEST(ResponseParser, ContentLength) {
  ResponseParser parser;
  const std::string_view text =
      "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello";
  const auto p = parser.feed(text);
  ASSERT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, text.size());
  const Response r = parser.take();
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "hello");
  ASSERT_NE(find_header(r.headers, "CONTENT-TYPE"), nullptr);
  EXPECT_EQ(*find_header(r.headers, "content-type"), "application/json");
  EXPECT_TRUE(parser.keep_alive());
}

TEST(ResponseParser, Chunked) {
  ResponseParser parser;
  auto rs = parse_all(parser,
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: x\r\n\r\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].body, "abcdefg");
  EXPECT_TRUE(parser.keep_alive());
}

TEST(ResponseParser, ReadUntilCloseCompletesOnFinish) {
  ResponseParser parser;
  auto p = parser.feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ");
  EXPECT_EQ(p.state, State::need_more);
  p = parser.feed("part two");
  EXPECT_EQ(p.state, State::need_more);
  p = parser.finish();
  ASSERT_EQ(p.state, State::complete);
  const Response r = parser.take();
  EXPECT_EQ(r.body, "part one, part two");
  EXPECT_FALSE(parser.keep_alive());
}

TEST(ResponseParser, FinishMidMessageOrIdleIsAnError) {
  {
    ResponseParser parser;
    EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").state,
              State::need_more);
    EXPECT_EQ(parser.finish().state, State::error);
    EXPECT_EQ(parser.error_status(), 502);
  }
  {
    ResponseParser parser;
    EXPECT_EQ(parser.finish().state, State::error);
  }
  {
    ResponseParser parser;
    EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-").state, State::need_more);
    EXPECT_EQ(parser.finish().state, State::error);
  }
}

TEST(ResponseParser, HeadResponseHasNoBody) {
  ResponseParser parser;
  parser.expect_head_response(true);
  const std::string_view text =
      "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  auto p = parser.feed(text);
  ASSERT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, text.find("HTTP/1.1", 5));
  Response r = parser.take();
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(*find_header(r.headers, "content-length"), "1234");
  EXPECT_TRUE(parser.keep_alive());
  // take() ended the HEAD expectation: the next response has its body.
  p = parser.feed(text.substr(p.consumed));
  ASSERT_EQ(p.state, State::complete);
  EXPECT_EQ(parser.take().body, "ok");
}

TEST(ResponseParser, HeadResponseWithoutLengthKeepsConnection) {
  ResponseParser parser;
  parser.expect_head_response(true);
  ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n").state,
            State::complete);
  EXPECT_TRUE(parser.keep_alive());
}

const std::string_view kTwo =
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
    "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n";

void expect_two(const std::vector<Response>& rs) {
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].status, 200);
  EXPECT_EQ(rs[0].body, "one");
  EXPECT_EQ(rs[1].status, 404);
  EXPECT_EQ(rs[1].body, "two");
}

TEST(ResponseParser, TwoPipelinedResponses) {
  ResponseParser parser;
  auto p = parser.feed(kTwo);
  ASSERT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, kTwo.find("HTTP/1.1 404"));
  std::vector<Response> rs{parser.take()};
  p = parser.feed(kTwo.substr(p.consumed));
  ASSERT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, kTwo.size() - kTwo.find("HTTP/1.1 404"));
  rs.push_back(parser.take());
  expect_two(rs);
}

TEST(ResponseParser, ByteByByte) {
  ResponseParser parser;
  expect_two(parse_all(parser, kTwo, 1));
}

TEST(ResponseParser, NoContentWithoutBody) {
  ResponseParser parser;
  const std::string_view text =
      "HTTP/1.1 204 No Content\r\nX-A: b\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n";
  auto rs = parse_all(parser, text);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].status, 204);
  EXPECT_EQ(rs[0].body, "");
  EXPECT_EQ(rs[1].status, 304);
  EXPECT_TRUE(parser.keep_alive());
}

TEST(ResponseParser, NotModifiedAndNoContentIgnoreContentLength) {
  ResponseParser parser;
  const std::string_view text =
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n"
      "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  auto rs = parse_all(parser, text);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].body, "");
  EXPECT_EQ(rs[1].body, "");
  EXPECT_EQ(rs[2].body, "ok");
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  ResponseParser parser;
  auto rs = parse_all(parser,
                      "HTTP/1.1 100 Continue\r\n\r\n"
                      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                      "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].status, 201);
  EXPECT_TRUE(rs[0].headers.size() == 1u && rs[0].headers[0].name == "Content-Length");
}

TEST(ResponseParser, ConnectionCloseAndHttp10) {
  {
    ResponseParser parser;
    ASSERT_EQ(
        parser.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").state,
        State::complete);
    EXPECT_FALSE(parser.keep_alive());
  }
  {
    ResponseParser parser;
    ASSERT_EQ(parser.feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").state, State::complete);
    EXPECT_FALSE(parser.keep_alive());
  }
}

TEST(ResponseParser, Errors) {
  {
    ResponseParser parser;
    EXPECT_EQ(parser.feed("HTTP/1.1 abc OK\r\n\r\n").state, State::error);
    EXPECT_EQ(parser.error_status(), 502);
  }
  {
    ResponseParser parser;
    EXPECT_EQ(parser.feed("<html>not http</html>").state, State::error);
    EXPECT_EQ(parser.error_status(), 502);
  }
  {
    ResponseParser parser(Limits{.max_header_bytes = 16 * 1024, .max_headers = 100, .max_body = 8});
    EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n").state, State::error);
    EXPECT_EQ(parser.error_status(), 413);
  }
  {
    ResponseParser parser;
    EXPECT_EQ(parser
                  .feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: upgrade\r\n\r\n")
                  .state,
              State::error);
  }
}

}  // namespace
}  // namespace wire::http
