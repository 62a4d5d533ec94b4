#pragma once
/// @file
/// Incremental HTTP/1.0 and 1.1 request parsing (llhttp) with size limits, one request at a time.
#include <memory>
#include <string_view>

#include "wire/http/limits.hpp"
#include "wire/http/parse_progress.hpp"
#include "wire/http/request.hpp"

namespace wire::http {

namespace detail {
class MessageParser;
}

/// Parses the requests of one connection from the bytes as they arrive.
///
/// Typical server loop:
/// @code
///   auto p = parser.feed(buf);
///   if (p.state == RequestParser::State::complete) {
///     Request r = parser.take();
///     buf.erase(0, p.consumed);  // the rest (pipelined requests) is fed next
///   }
/// @endcode
/// Parsing stops right after one complete request, so pipelined requests come out one by one.
/// Errors are final: answer error_status() and close the connection.
class RequestParser {
 public:
  using State = ParseState;
  using Progress = ParseProgress;

  explicit RequestParser(Limits limits = {});
  ~RequestParser();
  RequestParser(RequestParser&&) noexcept;
  RequestParser& operator=(RequestParser&&) noexcept;

  /// Feeds bytes. need_more: all consumed, feed more later. complete: `consumed` bytes made up
  /// the rest of the request; take() it, then feed data.substr(consumed) (even if empty, the
  /// next feed with new bytes works too). error: see error_status(). Feeding again while
  /// complete and not taken returns {complete, 0}; after an error, {error, 0}.
  Progress feed(std::string_view data);

  /// Moves the completed request out and readies the parser for the next one.
  /// Only valid after feed() returned complete.
  Request take();

  /// 0 if no error; else 400 malformed, 413 body too large (a Content-Length over the limit
  /// fails as soon as the headers end; a chunked body as soon as a chunk would pass it),
  /// 414 request-target over Limits::max_target,
  /// 431 header block, header count or trailer section too large, 505 version other than
  /// 1.0/1.1, 501 CONNECT or a Transfer-Encoding other than "chunked".
  int error_status() const;
  /// Why, for logs (a static string).
  std::string_view error_message() const;

  /// Some bytes of the current request were seen: a silent connection is in its header
  /// timeout rather than its idle timeout.
  bool started() const;
  /// The current request's headers are complete: switch to the body timeout.
  bool headers_done() const;
  /// The current request sent "Expect: 100-continue" (valid once headers_done()).
  bool expects_continue() const;

 private:
  std::unique_ptr<detail::MessageParser> core_;
};

}  // namespace wire::http
