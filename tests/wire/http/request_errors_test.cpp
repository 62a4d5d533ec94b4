// Request parsing failures: limits (413, 431), malformed input (400), unsupported (501, 505).
#include <gtest/gtest.h>

#include <string>

#include "wire/http/request_parser.hpp"

namespace wire::http {
namespace {

using State = RequestParser::State;

// Feeds `text` (all at once or byte by byte) and returns the error status, 0 if none.
int error_of(std::string_view text, bool byte_by_byte = false) {
  RequestParser parser;
  while (!text.empty()) {
    const auto p = parser.feed(byte_by_byte ? text.substr(0, 1) : text);
    if (p.state == State::error) {
      EXPECT_FALSE(parser.error_message().empty());
      // Errors are final.
      EXPECT_EQ(parser.feed("GET / HTTP/1.1\r\n\r\n").state, State::error);
      return parser.error_status();
    }
    if (p.state == State::complete) parser.take();
    text.remove_prefix(byte_by_byte && p.state == State::need_more ? 1 : p.consumed);
  }
  return 0;
}

std::string request_with_header_bytes(std::size_t value_size) {
  return "GET / HTTP/1.1\r\nX-Big: " + std::string(value_size, 'a') + "\r\n\r\n";
}

TEST(RequestErrors, HeaderBlockOver16KiBIs431) {
  EXPECT_EQ(error_of(request_with_header_bytes(17 * 1024)), 431);
  EXPECT_EQ(error_of(request_with_header_bytes(17 * 1024), true), 431);
  EXPECT_EQ(error_of(request_with_header_bytes(15 * 1024)), 0);
  // A long URL counts as well, but over 8 KiB it is refused sooner, as too long a target.
  EXPECT_EQ(error_of("GET /" + std::string(20000, 'u') + " HTTP/1.1\r\n\r\n"), 414);
}

TEST(RequestErrors, HeaderBlockLimitFailsBeforeTheBlockEnds) {
  RequestParser parser;
  const std::string head = "GET / HTTP/1.1\r\nX-Big: " + std::string(16 * 1024, 'a');
  const auto p = parser.feed(head);  // no end of headers yet
  EXPECT_EQ(p.state, State::error);
  EXPECT_EQ(parser.error_status(), 431);
}

TEST(RequestErrors, WhitespacePaddingCountsTowardTheLimit) {
  RequestParser parser;
  EXPECT_EQ(parser.feed("GET / HTTP/1.1\r\nX-Pad:").state, State::need_more);
  State s = State::need_more;
  for (int i = 0; i < 20 && s == State::need_more; ++i)
    s = parser.feed(std::string(1024, ' ')).state;
  EXPECT_EQ(s, State::error);
  EXPECT_EQ(parser.error_status(), 431);
}

TEST(RequestErrors, TooManyHeadersIs431) {
  auto with_headers = [](int n) {
    std::string text = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < n; ++i) text += "X-H" + std::to_string(i) + ": v\r\n";
    return text + "\r\n";
  };
  EXPECT_EQ(error_of(with_headers(100)), 0);
  EXPECT_EQ(error_of(with_headers(101)), 431);
  EXPECT_EQ(error_of(with_headers(101), true), 431);
}

TEST(RequestErrors, ContentLengthOverLimitIs413RightAfterHeaders) {
  RequestParser parser;
  const auto p = parser.feed("POST / HTTP/1.1\r\nContent-Length: 2097152\r\n\r\n");
  EXPECT_EQ(p.state, State::error);
  EXPECT_EQ(parser.error_status(), 413);
}

TEST(RequestErrors, ContentLengthAtLimitIsAccepted) {
  RequestParser parser;
  const std::string head = "POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n";
  EXPECT_EQ(parser.feed(head).state, State::need_more);
  const auto p = parser.feed(std::string(1024 * 1024, 'b'));
  ASSERT_EQ(p.state, State::complete);
  EXPECT_EQ(parser.take().body.size(), 1024u * 1024u);
}

TEST(RequestErrors, ChunkedBodyPassingLimitIs413) {
  Limits limits;
  RequestParser parser(limits);
  EXPECT_EQ(parser.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").state,
            State::need_more);
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'c') + "\r\n";  // 64 KiB
  State s = State::need_more;
  std::size_t fed_body = 0;
  while (s == State::need_more && fed_body < 2 * limits.max_body) {
    s = parser.feed(chunk).state;
    fed_body += 0x10000;
  }
  EXPECT_EQ(s, State::error);
  EXPECT_EQ(parser.error_status(), 413);
  EXPECT_LE(fed_body, limits.max_body + 0x10000);  // failed at the chunk that passed the limit
}

TEST(RequestErrors, OneHugeChunkFailsOnItsSize) {
  RequestParser parser;
  const auto p = parser.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n");
  EXPECT_EQ(p.state, State::error);
  EXPECT_EQ(parser.error_status(), 413);
}

TEST(RequestErrors, ChunkedTrailersAndExtensionsAreBounded) {
  const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string trailers = head + "1\r\na\r\n0\r\n";
  for (int i = 0; i < 400; ++i)
    trailers += "X-T" + std::to_string(i) + ": " + std::string(40, 't') + "\r\n";
  EXPECT_EQ(error_of(trailers + "\r\n"), 431);
  std::string extensions = head + "1";
  for (int i = 0; i < 4000; ++i) extensions += ";ext" + std::to_string(i);
  EXPECT_EQ(error_of(extensions + "\r\na\r\n0\r\n\r\n"), 400);
}

TEST(RequestErrors, SmallLimitsAreHonoured) {
  Limits limits{.max_header_bytes = 64, .max_headers = 2, .max_body = 4};
  {
    RequestParser parser(limits);
    EXPECT_EQ(parser.feed("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").state, State::error);
    EXPECT_EQ(parser.error_status(), 413);
  }
  {
    RequestParser parser(limits);
    EXPECT_EQ(parser.feed("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n").state, State::error);
    EXPECT_EQ(parser.error_status(), 431);
  }
  {
    RequestParser parser(limits);
    EXPECT_EQ(parser.feed("GET /" + std::string(64, 'x') + " HTTP/1.1\r\n\r\n").state,
              State::error);
    EXPECT_EQ(parser.error_status(), 431);
  }
}

TEST(RequestErrors, BadMethodIs400) {
  EXPECT_EQ(error_of("FETCH / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(error_of("get / HTTP/1.1\r\n\r\n"), 400);
}

TEST(RequestErrors, BadVersion) {
  EXPECT_EQ(error_of("GET / HTTP/2.0\r\n\r\n"), 505);
  EXPECT_EQ(error_of("GET / HTTP/2.0\r\n\r\n", true), 505);
  EXPECT_EQ(error_of("GET / HTTP/0.9\r\n\r\n"), 505);
  EXPECT_EQ(error_of("GET / HTTP/3.0\r\n\r\n"), 505);
  EXPECT_EQ(error_of("GET / HTTP/3.0\r\n\r\n", true), 505);
  EXPECT_EQ(error_of("GET / HTTP/1.2\r\n\r\n"), 505);
  EXPECT_EQ(error_of("GET / HTTX/1.1\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.x\r\n\r\n"), 400);
}

TEST(RequestErrors, GarbageIs400) {
  EXPECT_EQ(error_of(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)), 400);
  EXPECT_EQ(error_of("hello world\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", true), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nA(b): x\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nA: 1\r\n: x\r\n\r\n"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\n Folded: x\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), 400);
}

TEST(RequestErrors, SmugglingShapesAreRefused) {
  // Both framings at once is the classic request-smuggling vector.
  EXPECT_NE(error_of("POST / HTTP/1.1\r\nContent-Length: 4\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            0);
}

TEST(RequestErrors, UnsupportedTransferCodingAndConnectAre501) {
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"), 501);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), 501);
  EXPECT_EQ(error_of("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), 501);
}

TEST(RequestErrors, ErrorReportsWhereParsingStopped) {
  RequestParser parser;
  const auto p = parser.feed("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n");
  ASSERT_EQ(p.state, State::error);
  EXPECT_GT(p.consumed, 0u);
  EXPECT_LT(p.consumed, 40u);
}

}  // namespace
}  // namespace wire::http
