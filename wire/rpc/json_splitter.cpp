#include "wire/rpc/json_splitter.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wire::rpc::detail {

SplitStep JsonSplitter::next(std::string_view data, std::size_t* pos, std::string_view* frame) {
  if (release_) {
    pending_.clear();
    release_ = false;
  }
  std::size_t i = *pos;
  if (!started_) {
    while (i < data.size() &&
           (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
      ++i;
    *pos = i;
    if (i == data.size()) return SplitStep::need_more;
    if (data[i] != '{') {
      error_ = "jsonrpc: malformed stream: expected '{'";
      return SplitStep::error;
    }
    started_ = true;
    in_string_ = escape_ = false;
    depth_ = 0;
  }
  std::size_t start = i;
  bool done = false;
  // Scan no further than the frame limit allows.
  std::size_t limit =
      std::min(data.size(), start + (max_ + 1 - std::min(max_ + 1, pending_.size())));
  for (; i < limit && !done; ++i) {
    char ch = data[i];
    if (in_string_) {
      if (escape_)
        escape_ = false;
      else if (ch == '\\')
        escape_ = true;
      else if (ch == '"')
        in_string_ = false;
      continue;
    }
    switch (ch) {
      case '"':
        in_string_ = true;
        break;
      case '{':
      case '[':
        ++depth_;
        break;
      case '}':
      case ']':
        if (--depth_ == 0) done = true;
        break;
      default:
        break;
    }
  }
  std::size_t size = pending_.size() + (i - start);
  if (size > max_) {
    error_ = fmt::format("rpc: message of more than {} bytes", max_);
    return SplitStep::error;
  }
  *pos = i;
  if (!done) {
    pending_.append(data.substr(start, i - start));
    return SplitStep::need_more;
  }
  started_ = false;
  if (pending_.empty()) {
    *frame = data.substr(start, i - start);
  } else {
    pending_.append(data.substr(start, i - start));
    *frame = pending_;
    release_ = true;
  }
  return SplitStep::frame;
}

}  // namespace wire::rpc::detail
