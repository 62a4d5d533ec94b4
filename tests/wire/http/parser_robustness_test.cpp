// Mutated and randomly split input never crashes the parsers or breaks their contract
// (run under ASan/UBSan in the sanitizer build).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "wire/http/request_parser.hpp"
#include "wire/http/response_parser.hpp"

namespace wire::http {
namespace {

constexpr std::string_view kRequests =
    "POST /handle?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
    "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: v\r\n\r\n"
    "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";

constexpr std::string_view kResponses =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    "HTTP/1.1 100 Continue\r\n\r\n"
    "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
    "HTTP/1.0 200 OK\r\n\r\nuntil close";

std::string mutate(std::string_view base, std::mt19937& rng) {
  std::string s(base);
  const int edits = std::uniform_int_distribution<int>(0, 4)(rng);
  for (int i = 0; i < edits; ++i) {
    const std::size_t pos = std::uniform_int_distribution<std::size_t>(0, s.size() - 1)(rng);
    switch (rng() % 3) {
      case 0:
        s[pos] = static_cast<char>(rng() & 0xff);
        break;
      case 1:
        s.erase(pos, 1);
        break;
      default:
        s.insert(pos, 1, static_cast<char>(rng() & 0xff));
        break;
    }
  }
  return s;
}

template <class Parser>
void drive(Parser& parser, std::string_view data, std::mt19937& rng) {
  while (!data.empty()) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(1, data.size())(rng);
    const auto p = parser.feed(data.substr(0, n));
    ASSERT_LE(p.consumed, n);
    if (p.state == ParseState::error) {
      EXPECT_NE(parser.error_status(), 0);
      return;
    }
    if (p.state == ParseState::complete) {
      parser.take();
    } else {
      ASSERT_EQ(p.consumed, n);
    }
    data.remove_prefix(p.consumed);
  }
}

TEST(ParserRobustness, MutatedRequests) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    RequestParser parser(Limits{.max_header_bytes = 256, .max_headers = 4, .max_body = 16});
    drive(parser, mutate(kRequests, rng), rng);
  }
}

TEST(ParserRobustness, MutatedResponses) {
  std::mt19937 rng(54321);
  for (int i = 0; i < 3000; ++i) {
    ResponseParser parser(Limits{.max_header_bytes = 256, .max_headers = 4, .max_body = 16});
    parser.expect_head_response(i % 5 == 0);
    drive(parser, mutate(kResponses, rng), rng);
    if (parser.error_status() == 0) {
      const auto p = parser.finish();
      if (p.state == ParseState::complete) parser.take();
    }
  }
}

}  // namespace
}  // namespace wire::http
