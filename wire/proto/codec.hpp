#pragma once
/// @file
/// The protobuf wire format, as much of it as our messages need: varints, tags, and
/// length-delimited fields (strings and embedded messages). A Reader walks the fields of one
/// message; a field the message does not know is skipped whatever its wire type (0, 1, 2, 5;
/// the deprecated groups 3/4 are refused), and malformed input is an INVALID_ARGUMENT error.
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/grpc/status.hpp"

namespace wire::proto {

enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

void append_varint(std::string& out, std::uint64_t v);
/// A length-delimited field (proto3: empty strings are not written; see append_string_field).
void append_bytes_field(std::string& out, std::uint32_t field, std::string_view bytes);
/// Writes nothing for the empty string (proto3's default value).
void append_string_field(std::string& out, std::uint32_t field, std::string_view s);

struct Field {
  std::uint32_t number = 0;
  WireType type = WireType::varint;
  std::uint64_t varint = 0;   // varint, fixed64, fixed32
  std::string_view bytes;     // length_delimited
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  /// The next field, or false at the end; an Error when the bytes are malformed.
  Result<bool> next(Field& field);

 private:
  Result<std::uint64_t> varint();
  std::string_view data_;
};

/// A string field: wire type 2 and valid UTF-8 (proto3), else INVALID_ARGUMENT naming it.
Result<void> read_string(const Field& f, std::string_view name, std::string& out);

}  // namespace wire::proto
