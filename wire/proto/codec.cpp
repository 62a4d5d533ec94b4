#include "wire/proto/codec.hpp"

#include "wire/json/utf8.hpp"

namespace wire::proto {

using grpc::StatusCode;
using grpc::status_error;

void append_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void append_bytes_field(std::string& out, std::uint32_t field, std::string_view bytes) {
  append_varint(out, (std::uint64_t{field} << 3) | 2);
  append_varint(out, bytes.size());
  out.append(bytes);
}

void append_string_field(std::string& out, std::uint32_t field, std::string_view s) {
  if (!s.empty()) append_bytes_field(out, field, s);
}

Result<std::uint64_t> Reader::varint() {
  std::uint64_t v = 0;
  for (int i = 0; i < 10; ++i) {
    if (data_.empty()) return status_error(StatusCode::invalid_argument, "truncated varint");
    auto b = static_cast<unsigned char>(data_.front());
    data_.remove_prefix(1);
    if (i == 9 && b > 1) break;  // past 64 bits
    v |= std::uint64_t{b & 0x7fu} << (7 * i);
    if ((b & 0x80) == 0) return v;
  }
  return status_error(StatusCode::invalid_argument, "varint longer than 64 bits");
}

Result<bool> Reader::next(Field& field) {
  if (data_.empty()) return false;
  auto tag = varint();
  if (!tag) return tag.error();
  std::uint64_t number = tag.value() >> 3;
  if (number == 0 || number > 0x1fffffff)
    return status_error(StatusCode::invalid_argument, "invalid field number");
  field.number = static_cast<std::uint32_t>(number);
  field.varint = 0;
  field.bytes = {};
  switch (tag.value() & 7) {
    case 0: {
      field.type = WireType::varint;
      auto v = varint();
      if (!v) return v.error();
      field.varint = v.value();
      return true;
    }
    case 1:
    case 5: {
      std::size_t n = (tag.value() & 7) == 1 ? 8 : 4;
      field.type = n == 8 ? WireType::fixed64 : WireType::fixed32;
      if (data_.size() < n) return status_error(StatusCode::invalid_argument, "truncated fixed field");
      for (std::size_t i = 0; i < n; ++i)
        field.varint |= std::uint64_t{static_cast<unsigned char>(data_[i])} << (8 * i);
      data_.remove_prefix(n);
      return true;
    }
    case 2: {
      field.type = WireType::length_delimited;
      auto len = varint();
      if (!len) return len.error();
      if (len.value() > data_.size())
        return status_error(StatusCode::invalid_argument, "length-delimited field runs past the message");
      field.bytes = data_.substr(0, static_cast<std::size_t>(len.value()));
      data_.remove_prefix(static_cast<std::size_t>(len.value()));
      return true;
    }
    default:
      return status_error(StatusCode::invalid_argument,
                          "unsupported wire type " + std::to_string(tag.value() & 7));
  }
}

Result<void> read_string(const Field& f, std::string_view name, std::string& out) {
  if (f.type != WireType::length_delimited)
    return status_error(StatusCode::invalid_argument,
                        "field " + std::string(name) + " has the wrong wire type");
  if (!json::is_valid_utf8(f.bytes))
    return status_error(StatusCode::invalid_argument,
                        "field " + std::string(name) + " is not valid UTF-8");
  out.assign(f.bytes);
  return {};
}

}  // namespace wire::proto
