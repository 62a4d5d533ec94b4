// Request framing a proxy and a server could read differently, and sizes no client needs:
// each is refused with a 4xx status (the server then answers it and closes).
#include <gtest/gtest.h>

#include <string>

#include "wire/http/request_parser.hpp"

namespace wire::http {
namespace {

using State = RequestParser::State;

// Feeds `text` at once, then byte by byte; both must agree. The error status, 0 if none.
int error_of(std::string_view text) {
  int statuses[2] = {0, 0};
  for (int pass = 0; pass < 2; ++pass) {
    RequestParser parser;
    std::string_view rest = text;
    while (!rest.empty()) {
      const std::string_view piece = pass == 0 ? rest : rest.substr(0, 1);
      const auto p = parser.feed(piece);
      if (p.state == State::error) {
        statuses[pass] = parser.error_status();
        break;
      }
      if (p.state == State::complete) parser.take();
      rest.remove_prefix(pass == 1 && p.state == State::need_more ? 1 : p.consumed);
    }
  }
  EXPECT_EQ(statuses[0], statuses[1]) << "whole vs byte by byte: " << text.substr(0, 80);
  return statuses[0];
}

TEST(HostileFraming, DuplicateContentLengthIs400EvenWhenEqual) {
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nab"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\nab"), 400);
}

TEST(HostileFraming, ContentLengthWithTransferEncodingIs400InEitherOrder) {
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "0\r\n\r\n"),
            400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                     "0\r\n\r\n"),
            400);
}

TEST(HostileFraming, ObsFoldIs400) {
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nTransfer-Encoding: x\r\n chunked\r\n\r\n0\r\n\r\n"), 400);
}

TEST(HostileFraming, BareCrOrLfIs400) {
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nX-A: a\rX-B: b\r\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\nHost: x\n\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: x\n\r\n"), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: x\r\n\n"), 400);
  EXPECT_EQ(error_of("GET /a\rb HTTP/1.1\r\n\r\n"), 400);
}

TEST(HostileFraming, NulAnywhereInTheHeadIs400) {
  using namespace std::string_literals;
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n"s), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nX-\0A: b\r\n\r\n"s), 400);
  EXPECT_EQ(error_of("GET /a\0b HTTP/1.1\r\n\r\n"s), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nX-A: \0\r\n\r\n"s), 400);
}

TEST(HostileFraming, RequestLineOver8KiBIs414) {
  const std::string long_target = "/" + std::string(8 * 1024, 'a');
  EXPECT_EQ(error_of("GET " + long_target + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  // Even when no end of the line ever comes.
  RequestParser parser;
  EXPECT_EQ(parser.feed("GET " + long_target).state, State::error);
  EXPECT_EQ(parser.error_status(), 414);
  // Just under it is fine.
  const std::string fits = "/" + std::string(8 * 1024 - 100, 'a');
  EXPECT_EQ(error_of("GET " + fits + " HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
}

TEST(HostileFraming, AbsurdChunkSizesAreRefused) {
  const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  // More hex digits than 64 bits hold: malformed.
  EXPECT_EQ(error_of(head + "10000000000000000\r\n"), 400);
  EXPECT_EQ(error_of(head + "fffffffffffffffffffffffffffff\r\n"), 400);
  // Fits in 64 bits, but over the body limit: refused on the size.
  EXPECT_EQ(error_of(head + "ffffffffffffffff\r\n"), 413);
  EXPECT_EQ(error_of(head + "7fffffff\r\nab"), 413);
  // Not a size at all.
  EXPECT_EQ(error_of(head + "-1\r\n"), 400);
  EXPECT_EQ(error_of(head + "0x10\r\n"), 400);
  EXPECT_EQ(error_of(head + " 5\r\nhello\r\n0\r\n\r\n"), 400);
  // Endless chunk extensions: bounded like a header block.
  EXPECT_NE(error_of(head + "1;" + std::string(20 * 1024, 'x') + "\r\n"), 0);
}

TEST(HostileFraming, ContentLengthOverflowIs400) {
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n"), 413);
}

}  // namespace
}  // namespace wire::http
