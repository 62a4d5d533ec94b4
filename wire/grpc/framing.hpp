#pragma once
/// @file
/// gRPC's length-prefixed messages inside an HTTP/2 stream's DATA: one byte compressed flag
/// (0 or 1), four bytes big-endian length, then the message. The Deframer takes the stream's
/// bytes in whatever pieces they arrive and yields whole messages; a declared length past the
/// limit is refused from the prefix alone, before any of the body is held.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wire/grpc/status.hpp"

namespace wire::grpc {

/// The default receive limit of grpc-go and grpc-core.
inline constexpr std::size_t kMaxMessage = 4u << 20;
inline constexpr std::size_t kPrefixSize = 5;

/// Appends one uncompressed message (prefix + bytes) to `out`.
void append_message(std::string& out, std::string_view message);

class Deframer {
 public:
  explicit Deframer(std::size_t max_message = kMaxMessage) : max_(max_message) {}

  /// Takes every byte of `data`. Whole messages go to messages(). Errors (sticky: later feeds
  /// fail the same way): a length over the limit -> RESOURCE_EXHAUSTED, the compressed flag
  /// -> UNIMPLEMENTED (no compression is offered), a flag other than 0/1 -> INTERNAL.
  Result<void> feed(std::string_view data);

  /// Messages complete so far, oldest first; the caller takes them (moves out, clears).
  std::vector<std::string>& messages() noexcept { return done_; }

  /// True while a message is begun but not whole (at END_STREAM that is a truncated message).
  bool partial() const noexcept { return have_ > 0; }
  /// Bytes held for the message being read (prefix included).
  std::size_t buffered() const noexcept { return have_ < kPrefixSize ? have_ : body_.size() + kPrefixSize; }

 private:
  std::size_t max_;
  unsigned char prefix_[kPrefixSize] = {};
  std::size_t have_ = 0;  // bytes of the current message seen (prefix included)
  std::size_t length_ = 0;
  std::string body_;
  std::vector<std::string> done_;
  bool failed_ = false;
  Error error_;
};

}  // namespace wire::grpc
