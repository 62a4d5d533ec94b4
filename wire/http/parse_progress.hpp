#pragma once
/// @file
/// What one feed() of a parser achieved; shared by RequestParser and ResponseParser.
#include <cstddef>

namespace wire::http {

/// Outcome of feeding bytes to a parser.
enum class ParseState {
  need_more,  ///< all bytes consumed, the message is not complete yet
  complete,   ///< one message is complete: take() it, then feed the unconsumed rest
  error,      ///< the stream is not valid HTTP (or exceeds a limit): see error_status()
};

/// State after a feed() and how many bytes of the fed data it used.
struct ParseProgress {
  ParseState state;
  /// need_more: always all of the data. complete: the bytes up to and including the end of
  /// the message; data.substr(consumed) belongs to the next message. error: the offset where
  /// parsing stopped (diagnostic only; the connection is to be closed).
  std::size_t consumed;
};

}  // namespace wire::http
