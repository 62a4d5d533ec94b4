#pragma once
/// @file
/// SMTP replies (RFC 5321 4.2): "250-first line" ... "250 last line", each ending in CRLF.
/// parse_reply() reads one complete reply from the front of a buffer, so a caller feeds it
/// whatever arrived and calls again when more bytes come; nothing is kept between calls.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wire::smtp {

struct Reply {
  int code = 0;                    ///< 200..599
  std::vector<std::string> lines;  ///< the text of each line, after "250-" / "250 "

  int klass() const noexcept { return code / 100; }
  bool positive() const noexcept { return code >= 200 && code < 400; }
  /// "550 5.1.1 no such user" (code and lines joined by spaces), for errors and logs.
  std::string text() const;
};

/// Longest reply line taken (RFC 5321 says 512 with the CRLF; relays send longer ones).
inline constexpr std::size_t kMaxReplyLine = 4096;
/// Most lines one reply may have (an EHLO reply has a dozen).
inline constexpr std::size_t kMaxReplyLines = 128;

struct ParsedReply {
  enum class Status { incomplete, complete, malformed };
  Status status = Status::incomplete;
  Reply reply;               ///< when complete
  std::size_t consumed = 0;  ///< bytes of the input the reply took (when complete)
  std::string error;         ///< when malformed
};

/// Parses the first reply in `input`. A line may end in CRLF or a bare LF.
/// incomplete: wait for more bytes (nothing consumed); malformed: the peer does not speak
/// SMTP (a bad code, a continuation with another code, a line or a reply too long).
ParsedReply parse_reply(std::string_view input);

}  // namespace wire::smtp
