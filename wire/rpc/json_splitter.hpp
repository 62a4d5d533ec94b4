#pragma once
/// @file
/// Cuts a JSON-RPC byte stream into objects without copying when an object arrives whole; only
/// the unfinished tail of a read is kept, up to the frame limit.
#include <cstddef>
#include <string>
#include <string_view>

namespace wire::rpc::detail {

enum class SplitStep { frame, need_more, error };

/// JSON: objects one after the other, whitespace allowed between them; an object ends where
/// its braces balance (outside strings). Well-formedness is left to the JSON parser.
class JsonSplitter {
 public:
  explicit JsonSplitter(std::size_t max_frame) noexcept : max_(max_frame) {}
  /// Next object from data[*pos...]: frame (valid until the next call), need_more (the rest of
  /// data is kept) or error (see error()). Advances *pos.
  SplitStep next(std::string_view data, std::size_t* pos, std::string_view* frame);
  bool partial() const noexcept { return started_; }
  const std::string& error() const noexcept { return error_; }

 private:
  std::size_t max_;
  std::string pending_;
  bool release_ = false;
  bool started_ = false;
  bool in_string_ = false;
  bool escape_ = false;
  std::size_t depth_ = 0;
  std::string error_;
};

}  // namespace wire::rpc::detail
