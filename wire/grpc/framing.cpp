#include "wire/grpc/framing.hpp"

#include <algorithm>

namespace wire::grpc {

void append_message(std::string& out, std::string_view message) {
  auto n = static_cast<std::uint32_t>(message.size());
  char prefix[kPrefixSize] = {0, static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                              static_cast<char>(n >> 8), static_cast<char>(n)};
  out.append(prefix, kPrefixSize);
  out.append(message);
}

Result<void> Deframer::feed(std::string_view data) {
  if (failed_) return error_;
  while (!data.empty()) {
    if (have_ < kPrefixSize) {
      std::size_t take = std::min(kPrefixSize - have_, data.size());
      std::copy_n(data.data(), take, prefix_ + have_);
      have_ += take;
      data.remove_prefix(take);
      if (have_ < kPrefixSize) break;
      length_ = (std::size_t{prefix_[1]} << 24) | (std::size_t{prefix_[2]} << 16) |
                (std::size_t{prefix_[3]} << 8) | std::size_t{prefix_[4]};
      if (prefix_[0] == 1) {
        error_ = status_error(StatusCode::unimplemented, "compressed messages are not supported");
      } else if (prefix_[0] != 0) {
        error_ = status_error(StatusCode::internal, "malformed message prefix");
      } else if (length_ > max_) {
        error_ = status_error(StatusCode::resource_exhausted,
                              "message of " + std::to_string(length_) + " bytes exceeds the limit of " +
                                  std::to_string(max_));
      }
      if (error_.code != 0) {
        failed_ = true;
        return error_;
      }
      body_.clear();
      body_.reserve(length_);
    }
    std::size_t take = std::min(length_ - body_.size(), data.size());
    body_.append(data.data(), take);
    data.remove_prefix(take);
    if (body_.size() == length_) {
      done_.push_back(std::move(body_));
      body_ = std::string();
      have_ = 0;
    } else {
      have_ = kPrefixSize + body_.size();
    }
  }
  return {};
}

}  // namespace wire::grpc
