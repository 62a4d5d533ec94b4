// Request parsing: pipelining, arbitrary splits, chunked bodies, keep-alive, progress flags.
#include "wire/http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wire::http {
namespace {

using State = RequestParser::State;

// Feeds `data` in pieces of `step` bytes (0 = all at once), collecting every request.
std::vector<Request> parse_all(RequestParser& parser, std::string_view data, std::size_t step = 0) {
  std::vector<Request> out;
  while (!data.empty()) {
    const std::size_t n = step == 0 ? data.size() : std::min(step, data.size());
    const auto progress = parser.feed(data.substr(0, n));
    EXPECT_NE(progress.state, State::error) << parser.error_message();
    if (progress.state == State::error) break;
    EXPECT_LE(progress.consumed, n);
    data.remove_prefix(progress.consumed);
    if (progress.state == State::complete) out.push_back(parser.take());
  }
  return out;
}

constexpr std::string_view kPipelined =
    "GET /logs?limit=5&name=a%20b HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"
    "POST /handle HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    "Content-Length: 13\r\n\r\n{\"action\":1}\n"
    "DELETE /items/7 HTTP/1.1\r\nHost: x\r\n\r\n";

void expect_pipelined(const std::vector<Request>& reqs) {
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/logs?limit=5&name=a%20b");
  EXPECT_EQ(reqs[0].path, "/logs");
  EXPECT_EQ(reqs[0].query, "limit=5&name=a%20b");
  EXPECT_EQ(reqs[0].query_param("name"), "a b");
  ASSERT_EQ(reqs[0].headers.size(), 2u);
  EXPECT_EQ(reqs[0].headers[1].name, "Accept");
  EXPECT_EQ(reqs[0].headers[1].value, "*/*");
  EXPECT_TRUE(reqs[0].body.empty());
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].path, "/handle");
  EXPECT_EQ(reqs[1].query, "");
  EXPECT_EQ(reqs[1].body, "{\"action\":1}\n");
  ASSERT_NE(reqs[1].header("content-type"), nullptr);
  EXPECT_EQ(*reqs[1].header("content-type"), "application/json");
  EXPECT_EQ(reqs[2].method, "DELETE");
  EXPECT_EQ(reqs[2].target, "/items/7");
  for (const Request& r : reqs) {
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.version_major, 1);
    EXPECT_EQ(r.version_minor, 1);
  }
}

TEST(RequestParser, PipelinedRequestsComeOutOneByOne) {
  RequestParser parser;
  std::string_view data = kPipelined;
  const std::size_t first = kPipelined.find("POST");
  const std::size_t second = kPipelined.find("DELETE");

  auto p = parser.feed(data);
  EXPECT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, first);
  // Not taken yet: feeding again changes nothing.
  EXPECT_EQ(parser.feed(data.substr(p.consumed)).state, State::complete);
  std::vector<Request> reqs{parser.take()};

  data.remove_prefix(p.consumed);
  p = parser.feed(data);
  EXPECT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, second - first);
  reqs.push_back(parser.take());

  data.remove_prefix(p.consumed);
  p = parser.feed(data);
  EXPECT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, data.size());
  reqs.push_back(parser.take());

  expect_pipelined(reqs);
  EXPECT_FALSE(parser.started());
}

TEST(RequestParser, ByteByByteParsesIdentically) {
  RequestParser parser;
  expect_pipelined(parse_all(parser, kPipelined, 1));
}

TEST(RequestParser, EverySplitPointParsesIdentically) {
  for (std::size_t cut = 1; cut < kPipelined.size(); ++cut) {
    RequestParser parser;
    std::vector<Request> reqs;
    std::string_view halves[] = {kPipelined.substr(0, cut), kPipelined.substr(cut)};
    for (std::string_view part : halves) {
      auto more = parse_all(parser, part);
      for (auto& r : more) reqs.push_back(std::move(r));
    }
    SCOPED_TRACE(cut);
    expect_pipelined(reqs);
  }
}

constexpr std::string_view kChunked =
    "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n"
    // llhttp 8.1 takes one name=value extension or several bare names, not ";a=b;c".
    "7;name=\"quoted value\"\r\n, world\r\n"
    "A;flag;other\r\n0123456789\r\n"
    "0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n"
    "GET /next HTTP/1.1\r\n\r\n";

TEST(RequestParser, ChunkedBodyWithExtensionsAndTrailersDeChunks) {
  for (std::size_t step : {0u, 1u, 3u, 7u}) {
    SCOPED_TRACE(step);
    RequestParser parser;
    auto reqs = parse_all(parser, kChunked, step);
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].body, "hello, world0123456789");
    // Trailers are dropped, not merged into the headers.
    EXPECT_EQ(reqs[0].headers.size(), 2u);
    EXPECT_EQ(reqs[0].header("x-checksum"), nullptr);
    EXPECT_TRUE(reqs[0].keep_alive);
    EXPECT_EQ(reqs[1].target, "/next");
  }
}

TEST(RequestParser, KeepAliveSemantics) {
  struct Case {
    std::string_view text;
    bool keep_alive;
    int minor;
  };
  const Case cases[] = {
      {"GET / HTTP/1.0\r\n\r\n", false, 0},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true, 0},
      {"GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n", true, 0},
      {"GET / HTTP/1.1\r\n\r\n", true, 1},
      {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    RequestParser parser;
    const auto p = parser.feed(c.text);
    ASSERT_EQ(p.state, State::complete);
    EXPECT_EQ(p.consumed, c.text.size());
    const Request r = parser.take();
    EXPECT_EQ(r.keep_alive, c.keep_alive);
    EXPECT_EQ(r.version_minor, c.minor);
  }
}

TEST(RequestParser, StartedAndHeadersDoneTransitions) {
  RequestParser parser;
  EXPECT_FALSE(parser.started());
  EXPECT_FALSE(parser.headers_done());
  // Blank lines between requests are tolerated and do not start a request.
  EXPECT_EQ(parser.feed("\r\n").state, State::need_more);
  EXPECT_FALSE(parser.started());

  EXPECT_EQ(parser.feed("PO").state, State::need_more);
  EXPECT_TRUE(parser.started());
  EXPECT_FALSE(parser.headers_done());
  EXPECT_EQ(parser.feed("ST / HTTP/1.1\r\nContent-Length: 4\r\n").state, State::need_more);
  EXPECT_FALSE(parser.headers_done());
  EXPECT_EQ(parser.feed("\r\nab").state, State::need_more);
  EXPECT_TRUE(parser.headers_done());
  const auto p = parser.feed("cd");
  EXPECT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, 2u);
  EXPECT_EQ(parser.take().body, "abcd");
  EXPECT_FALSE(parser.started());
  EXPECT_FALSE(parser.headers_done());
}

TEST(RequestParser, HeaderPiecesAreJoinedAndTrimmed) {
  RequestParser parser;
  parse_all(parser, "GET / HTTP/1.1\r\n", 0);
  EXPECT_EQ(parser.feed("X-Lo").state, State::need_more);
  EXPECT_EQ(parser.feed("ng-Name:   some ").state, State::need_more);
  EXPECT_EQ(parser.feed("value\t \r\nEmpty:\r\n").state, State::need_more);
  ASSERT_EQ(parser.feed("\r\n").state, State::complete);
  const Request r = parser.take();
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].name, "X-Long-Name");
  EXPECT_EQ(r.headers[0].value, "some value");
  EXPECT_EQ(r.headers[1].name, "Empty");
  EXPECT_EQ(r.headers[1].value, "");
}

TEST(RequestParser, ExpectContinue) {
  RequestParser parser;
  EXPECT_EQ(
      parser.feed("PUT /x HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n").state,
      State::need_more);
  EXPECT_TRUE(parser.headers_done());
  EXPECT_TRUE(parser.expects_continue());
  ASSERT_EQ(parser.feed("ok").state, State::complete);
  EXPECT_EQ(parser.take().body, "ok");
  EXPECT_FALSE(parser.expects_continue());
}

TEST(RequestParser, UpgradeIsIgnoredAndServedAsHttp11) {
  RequestParser parser;
  const std::string_view text =
      "GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
      "GET /after HTTP/1.1\r\n\r\n";
  auto reqs = parse_all(parser, text);
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].path, "/chat");
  EXPECT_EQ(reqs[1].path, "/after");
}

TEST(RequestParser, EmptyFeedChangesNothing) {
  RequestParser parser;
  const auto p = parser.feed({});
  EXPECT_EQ(p.state, State::need_more);
  EXPECT_EQ(p.consumed, 0u);
  EXPECT_FALSE(parser.started());
}

TEST(RequestParser, LastByteCompletesWithConsumedOne) {
  RequestParser parser;
  const std::string_view text = "GET / HTTP/1.1\r\n\r\n";
  EXPECT_EQ(parser.feed(text.substr(0, text.size() - 1)).state, State::need_more);
  const auto p = parser.feed(text.substr(text.size() - 1));
  EXPECT_EQ(p.state, State::complete);
  EXPECT_EQ(p.consumed, 1u);
}

TEST(RequestParser, BytesAfterConnectionCloseAreIgnored) {
  // The server closes after a !keep_alive request; llhttp swallows anything sent after it.
  RequestParser parser;
  const std::string_view text =
      "GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET /x HTTP/1.1\r\n\r\n";
  auto p = parser.feed(text);
  ASSERT_EQ(p.state, State::complete);
  EXPECT_FALSE(parser.take().keep_alive);
  p = parser.feed(text.substr(p.consumed));
  EXPECT_EQ(p.state, State::need_more);
}

TEST(RequestParser, MovedParserKeepsParsing) {
  RequestParser a;
  EXPECT_EQ(a.feed("GET /moved HT").state, State::need_more);
  RequestParser b = std::move(a);
  ASSERT_EQ(b.feed("TP/1.1\r\n\r\n").state, State::complete);
  EXPECT_EQ(b.take().path, "/moved");
}

}  // namespace
}  // namespace wire::http
