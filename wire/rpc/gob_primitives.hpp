#pragma once
/// @file
/// Gob's primitive encodings (encoding/gob): unsigned integers, signed integers, strings, and
/// the length-prefixed message. Every integer in gob (counts, field deltas, type ids, values) is
/// one of these two forms.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wire::rpc::gob {

/// Type ids gob predefines (encoding/gob/type.go); peers' own types start at 64.
enum TypeId : std::int64_t {
  kBool = 1,
  kInt = 2,
  kUint = 3,
  kFloat = 4,
  kBytes = 5,
  kString = 6,
  kComplex = 7,
  kInterface = 8,
  kWireType = 16,
  kFirstUserId = 64,
};

/// A decoding failure; its message follows Go's wording where Go has one ("gob: ...").
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Appends an unsigned integer: below 128 one byte; otherwise the byte count, negated, in one
/// byte (0xFF = 1 byte follows ... 0xF8 = 8), then the value big-endian without leading zeros.
void append_uint(std::string& out, std::uint64_t v);

/// Appends a signed integer as an unsigned one whose low bit is the sign: i >= 0 -> i << 1,
/// i < 0 -> (~i << 1) | 1.
void append_int(std::string& out, std::int64_t v);

/// Appends a string (or []byte): its length as an unsigned integer, then the bytes.
void append_string(std::string& out, std::string_view s);

/// Reads an unsigned integer at the start of data. Returns the bytes it took, 0 when data ends
/// before the integer does, -1 when the count byte announces more than 8 bytes.
int parse_uint(std::string_view data, std::uint64_t* v);

/// Thrown when a value continues in a message that has not fully arrived yet (see Reader).
struct NeedMore {};

/// Cuts complete messages, each at most max_frame bytes, from a byte span.
class FrameCursor {
 public:
  enum class Step { frame, incomplete, error };

  FrameCursor(std::string_view src, std::size_t pos, std::size_t max_frame) noexcept
      : src_(src), pos_(pos), max_(max_frame) {}
  /// The next message's body; incomplete leaves the position where it was.
  Step next(std::string_view* frame);
  /// Where the next message starts.
  std::size_t pos() const noexcept { return pos_; }
  const std::string& error() const noexcept { return error_; }

 private:
  std::string_view src_;
  std::size_t pos_;
  std::size_t max_;
  std::string error_;
};

/// Reads gob primitives from one message; every read past the end or malformed integer throws
/// DecodeError, so decoders read straight through and catch once. A value can go on in the
/// next message: Go ends the current message after a type definition it sends from inside an
/// interface value; continue_in_next_frame() follows it there.
class Reader {
 public:
  explicit Reader(std::string_view data, FrameCursor* frames = nullptr) noexcept
      : data_(data), frames_(frames) {}

  /// Moves on to the next message of the stream; throws NeedMore when it has not fully
  /// arrived, DecodeError when there is none to be had.
  void continue_in_next_frame();

  std::uint64_t read_uint();
  std::int64_t read_int();
  /// A length-prefixed string or byte slice, as a view into the message.
  std::string_view read_string();
  void skip(std::size_t n);

  std::size_t remaining() const noexcept { return data_.size(); }
  bool empty() const noexcept { return data_.empty(); }

 private:
  std::string_view data_;
  FrameCursor* frames_;
};

/// Appends one gob message: the body's length as an unsigned integer, then the body, which
/// `write_body(out)` appends. The length is written in front afterwards (no second buffer).
template <class Fn>
void append_message(std::string& out, Fn&& write_body) {
  constexpr std::size_t kMaxPrefix = 9;
  std::size_t mark = out.size();
  out.append(kMaxPrefix, '\0');
  write_body(out);
  std::size_t len = out.size() - mark - kMaxPrefix;
  std::string prefix;
  append_uint(prefix, len);
  std::size_t gap = kMaxPrefix - prefix.size();
  out.replace(mark + gap, prefix.size(), prefix);
  out.erase(mark, gap);
}

}  // namespace wire::rpc::gob
