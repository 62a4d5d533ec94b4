#pragma once
// A growable byte buffer with a read cursor: bytes are appended at the end (socket reads) and
// consumed from the front (parsers), without zero-filling or shifting on every read.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace core {

class Buffer {
 public:
  Buffer() = default;

  std::string_view readable() const noexcept { return {data_.get() + begin_, end_ - begin_}; }
  std::size_t size() const noexcept { return end_ - begin_; }
  bool empty() const noexcept { return begin_ == end_; }

  void consume(std::size_t n) noexcept {
    begin_ += n;
    if (begin_ >= end_) begin_ = end_ = 0;  // cheap reset keeps the common case allocation-free
  }

  /// Space for at least `min` more bytes at the end; valid until the next call.
  char* prepare(std::size_t min, std::size_t* available) {
    if (capacity_ - end_ < min) {
      if (begin_ > 0 && capacity_ - (end_ - begin_) >= min) {
        std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
      } else {
        std::size_t cap = capacity_ ? capacity_ : min;
        while (cap - (end_ - begin_) < min) cap *= 2;
        std::unique_ptr<char[]> grown(new char[cap]);
        if (end_ > begin_) std::memcpy(grown.get(), data_.get() + begin_, end_ - begin_);
        data_ = std::move(grown);
        capacity_ = cap;
      }
      end_ -= begin_;
      begin_ = 0;
    }
    *available = capacity_ - end_;
    return data_.get() + end_;
  }
  void commit(std::size_t n) noexcept { end_ += n; }

  void append(std::string_view s) {
    std::size_t avail = 0;
    char* p = prepare(s.size(), &avail);
    std::memcpy(p, s.data(), s.size());
    commit(s.size());
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace core
