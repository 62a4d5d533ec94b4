#pragma once
/// @file
/// Incremental HTTP/1.x response parsing (llhttp) for the client, one response at a time.
#include <memory>
#include <string_view>

#include "wire/http/limits.hpp"
#include "wire/http/parse_progress.hpp"
#include "wire/http/response.hpp"

namespace wire::http {

namespace detail {
class MessageParser;
}

/// Parses the responses arriving on one client connection. Same protocol as RequestParser:
/// feed() stops after one complete response; take() it, then feed the unconsumed rest.
/// 1xx interim responses (100 Continue, 103 Early Hints) are skipped; a 101 is an error.
class ResponseParser {
 public:
  using State = ParseState;
  using Progress = ParseProgress;

  explicit ResponseParser(Limits limits = {});
  ~ResponseParser();
  ResponseParser(ResponseParser&&) noexcept;
  ResponseParser& operator=(ResponseParser&&) noexcept;

  /// The next response answers a HEAD request: it has no body whatever its headers say.
  /// Applies to one response; take() resets it to false.
  void expect_head_response(bool head);

  /// Feeds bytes; see RequestParser::feed().
  Progress feed(std::string_view data);

  /// The peer closed the connection: completes a response whose body runs until the close
  /// (no Content-Length, not chunked); anything else in progress, or nothing at all, is an
  /// error (502).
  Progress finish();

  /// Moves the completed response out and readies the parser for the next one.
  Response take();

  /// Whether the connection may be reused after the last completed response.
  bool keep_alive() const;

  /// 0 if no error; else 502 malformed or truncated response (or version other than 1.x),
  /// 413 body over Limits::max_body, 431 header block, header count or trailers too large.
  int error_status() const;
  /// Why, for logs (a static string).
  std::string_view error_message() const;

 private:
  std::unique_ptr<detail::MessageParser> core_;
};

}  // namespace wire::http
