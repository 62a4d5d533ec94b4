#pragma once
// Internal: the llhttp driver shared by RequestParser and ResponseParser. Only wire/http .cpp
// files include it, so llhttp's C names (HTTP_*, F_*, HPE_*) stay out of everyone else's code.
#include <llhttp.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "wire/http/headers.hpp"
#include "wire/http/limits.hpp"
#include "wire/http/parse_progress.hpp"

namespace wire::http::detail {

// The callbacks (message_callbacks.cpp); static, since llhttp keeps the pointer.
const llhttp_settings_t* message_callbacks();

// One llhttp parser plus the message it is filling. The callbacks (message_callbacks.cpp) write
// the public fields; the owning parser moves them out in take() and calls next_message().
// Heap-allocated by its owner: llhttp keeps `this` in parser_.data, so it must never move.
class MessageParser {
 public:
  enum class Kind { request, response };

  MessageParser(Kind kind, Limits limits);
  MessageParser(const MessageParser&) = delete;
  MessageParser& operator=(const MessageParser&) = delete;

  ParseProgress feed(std::string_view data);
  // The peer closed: completes a body delimited by the close, anything else is an error.
  ParseProgress finish();
  // Forgets the (moved-out) message so the next one can be parsed.
  void next_message();

  // What a callback returns to make llhttp stop with an error; which error we report is in
  // error_status, set by fail() just before.
  static constexpr int kStop = -1;

  // Fails the parse with an HTTP status and a static message; returns kStop so callbacks can
  // `return fail(...)`.
  int fail(int status, std::string_view message);
  // The status for a syntax error: a bad request is the client's fault (400), a bad response
  // the upstream's (502).
  int malformed_status() const { return kind == Kind::request ? 400 : 502; }
  // Header-block accounting for a span of the head ending at `end` (inside the current feed).
  int count_head(const char* end);
  // Trailer and chunk-extension accounting: neither is stored, but both must stay bounded.
  int count_trailer(std::size_t n);
  int count_extension(std::size_t n);
  // A 1xx interim response (100 Continue, 103 Early Hints) is dropped: the caller waits for
  // the final one.
  void discard_interim();
  // Requests only: the line structure of the head, which llhttp's loose mode takes leniently
  // (bare LF line ends, obs-fold continuation lines) and which a proxy in front of us may read
  // differently. Scans data up to the end of the head; the offset of the first bad byte, or
  // npos when there is none.
  std::size_t scan_head(std::string_view data);

  const Kind kind;
  const Limits limits;
  llhttp_t parser{};

  // The message being parsed.
  std::string method;
  std::string target;
  Headers headers;
  std::string body;
  int status = 0;
  int version_major = 1;
  int version_minor = 1;
  bool keep_alive = true;  // of the last completed message; kept across next_message()

  bool started = false;
  bool headers_done = false;
  bool complete = false;
  bool expects_continue = false;
  bool skip_body = false;   // the response answers a HEAD request
  bool field_open = false;  // a header name is arriving in pieces

  int error_status = 0;
  std::string_view error_message;

 private:
  const char* feed_begin_ = nullptr;  // start of the bytes of the current feed()
  std::size_t head_bytes_ = 0;        // head bytes consumed by earlier feeds of this message
  std::size_t trailer_bytes_ = 0;
  std::size_t extension_bytes_ = 0;
  // scan_head() across feeds: the previous byte, whether the line just ended, whether the
  // head has ended (CRLF CRLF) or has any content yet.
  char scan_prev_ = 0;
  bool scan_line_start_ = true;
  bool scan_head_done_ = false;
  bool scan_content_ = false;
};

}  // namespace wire::http::detail
