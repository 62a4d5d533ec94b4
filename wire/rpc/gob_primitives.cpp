#include "wire/rpc/gob_primitives.hpp"

namespace wire::rpc::gob {

void append_uint(std::string& out, std::uint64_t v) {
  if (v < 0x80) {
    out.push_back(static_cast<char>(v));
    return;
  }
  char be[8];
  int n = 0;
  for (std::uint64_t x = v; x != 0; x >>= 8) be[7 - n++] = static_cast<char>(x & 0xff);
  out.push_back(static_cast<char>(-n));
  out.append(be + 8 - n, static_cast<std::size_t>(n));
}

void append_int(std::string& out, std::int64_t v) {
  std::uint64_t u =
      v < 0 ? (~static_cast<std::uint64_t>(v) << 1) | 1 : static_cast<std::uint64_t>(v) << 1;
  append_uint(out, u);
}

void append_string(std::string& out, std::string_view s) {
  append_uint(out, s.size());
  out.append(s);
}

int parse_uint(std::string_view data, std::uint64_t* v) {
  if (data.empty()) return 0;
  auto b = static_cast<unsigned char>(data[0]);
  if (b < 0x80) {
    *v = b;
    return 1;
  }
  int n = -static_cast<int>(static_cast<signed char>(b));
  if (n > 8) return -1;
  if (data.size() < static_cast<std::size_t>(n) + 1) return 0;
  std::uint64_t x = 0;
  for (int i = 1; i <= n; ++i)
    x = (x << 8) | static_cast<unsigned char>(data[static_cast<std::size_t>(i)]);
  *v = x;
  return n + 1;
}

FrameCursor::Step FrameCursor::next(std::string_view* frame) {
  std::string_view rest = src_.substr(pos_);
  std::uint64_t len = 0;
  int n = parse_uint(rest, &len);
  if (n == 0) return Step::incomplete;
  if (n < 0) {
    error_ = "gob: invalid message length";
    return Step::error;
  }
  if (len == 0) {
    error_ = "gob: empty message";
    return Step::error;
  }
  if (len > max_) {
    error_ = "rpc: message of " + std::to_string(len) + " bytes exceeds the limit of " +
             std::to_string(max_) + " bytes";
    return Step::error;
  }
  if (rest.size() - static_cast<std::size_t>(n) < len) return Step::incomplete;
  *frame = rest.substr(static_cast<std::size_t>(n), static_cast<std::size_t>(len));
  pos_ += static_cast<std::size_t>(n) + static_cast<std::size_t>(len);
  return Step::frame;
}

void Reader::continue_in_next_frame() {
  if (frames_ == nullptr) throw DecodeError("gob: unexpected end of message");
  switch (frames_->next(&data_)) {
    case FrameCursor::Step::frame:
      return;
    case FrameCursor::Step::incomplete:
      throw NeedMore{};
    case FrameCursor::Step::error:
      throw DecodeError(frames_->error());
  }
}

std::uint64_t Reader::read_uint() {
  std::uint64_t v = 0;
  int n = parse_uint(data_, &v);
  if (n == 0) throw DecodeError("gob: unexpected end of message");
  if (n < 0) throw DecodeError("gob: invalid uint data length");
  data_.remove_prefix(static_cast<std::size_t>(n));
  return v;
}

std::int64_t Reader::read_int() {
  std::uint64_t u = read_uint();
  auto i = static_cast<std::int64_t>(u >> 1);
  return (u & 1) ? ~i : i;
}

std::string_view Reader::read_string() {
  std::uint64_t n = read_uint();
  if (n > data_.size()) throw DecodeError("gob: string length exceeds input size");
  std::string_view s = data_.substr(0, static_cast<std::size_t>(n));
  data_.remove_prefix(static_cast<std::size_t>(n));
  return s;
}

void Reader::skip(std::size_t n) {
  if (n > data_.size()) throw DecodeError("gob: unexpected end of message");
  data_.remove_prefix(n);
}

}  // namespace wire::rpc::gob
