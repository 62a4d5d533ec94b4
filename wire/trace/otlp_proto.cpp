#include "wire/trace/otlp_proto.hpp"

#include <bit>
#include <cstring>

#include "wire/proto/codec.hpp"

namespace wire::trace {

namespace {

using proto::append_bytes_field;
using proto::append_string_field;
using proto::append_varint;

// Room left for an embedded message's length until it is known: five varint bytes hold
// lengths below 2^35.
constexpr std::size_t kLengthRoom = 5;

void append_tag(std::string& out, std::uint32_t field, proto::WireType type) {
  append_varint(out, (std::uint64_t{field} << 3) | static_cast<std::uint8_t>(type));
}

void append_fixed64(std::string& out, std::uint32_t field, std::uint64_t v) {
  append_tag(out, field, proto::WireType::fixed64);
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));  // little-endian
  out.append(bytes, 8);
}

void append_varint_field(std::string& out, std::uint32_t field, std::uint64_t v) {
  append_tag(out, field, proto::WireType::varint);
  append_varint(out, v);
}

// An embedded message is written in place: open() writes its tag and leaves room for the
// length, close() writes the length there and closes the gap, so nothing is encoded twice.
std::size_t open(std::string& out, std::uint32_t field) {
  append_tag(out, field, proto::WireType::length_delimited);
  out.append(kLengthRoom, '\0');
  return out.size();
}

void close(std::string& out, std::size_t start) {
  std::string length;
  append_varint(length, out.size() - start);
  std::memcpy(out.data() + start - kLengthRoom, length.data(), length.size());
  out.erase(start - kLengthRoom + length.size(), kLengthRoom - length.size());
}

// A oneof member is written even when it holds its type's default ("" , 0, false).
void append_value(std::string& out, std::uint32_t field, const AttributeValue& v) {
  const std::size_t value = open(out, field);
  if (const auto* s = std::get_if<std::string>(&v)) {
    append_bytes_field(out, 1, *s);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    append_varint_field(out, 2, *b ? 1 : 0);
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    append_varint_field(out, 3, static_cast<std::uint64_t>(*i));
  } else {
    append_fixed64(out, 4, std::bit_cast<std::uint64_t>(std::get<double>(v)));
  }
  close(out, value);
}

void append_attribute(std::string& out, std::uint32_t field, std::string_view key,
                      const AttributeValue& v) {
  const std::size_t kv = open(out, field);
  append_string_field(out, 1, key);
  append_value(out, 2, v);
  close(out, kv);
}

bool is_root(const SpanId& parent) {
  for (std::uint8_t b : parent) {
    if (b != 0) return false;
  }
  return true;
}

template <std::size_t N>
std::string_view bytes_of(const std::array<std::uint8_t, N>& id) {
  return {reinterpret_cast<const char*>(id.data()), N};
}

void append_span(std::string& out, const SpanData& s) {
  const std::size_t span = open(out, 2);
  append_bytes_field(out, 1, bytes_of(s.trace_id));
  append_bytes_field(out, 2, bytes_of(s.span_id));
  append_string_field(out, 3, s.tracestate);
  if (!is_root(s.parent_span_id)) append_bytes_field(out, 4, bytes_of(s.parent_span_id));
  append_string_field(out, 5, s.name);
  append_varint_field(out, 6, static_cast<std::uint64_t>(s.kind));
  append_fixed64(out, 7, s.start_unix_nano);
  append_fixed64(out, 8, s.end_unix_nano);
  for (const auto& [k, v] : s.attributes) append_attribute(out, 9, k, v);
  if (s.status != StatusCode::unset || !s.status_message.empty()) {
    const std::size_t status = open(out, 15);
    append_string_field(out, 2, s.status_message);
    if (s.status != StatusCode::unset) append_varint_field(out, 3, static_cast<int>(s.status));
    close(out, status);
  }
  close(out, span);
}

}  // namespace

std::string encode_otlp_proto(std::string_view service, const Attributes& resource,
                              std::span<const SpanData> spans) {
  std::string out;
  out.reserve(128 + spans.size() * 160);
  const std::size_t resource_spans = open(out, 1);
  const std::size_t res = open(out, 1);
  append_attribute(out, 1, "service.name", std::string(service));
  for (const auto& [k, v] : resource) append_attribute(out, 1, k, v);
  close(out, res);
  const std::size_t scope_spans = open(out, 2);
  const std::size_t scope = open(out, 1);
  append_string_field(out, 1, "microservices");
  close(out, scope);
  for (const SpanData& s : spans) append_span(out, s);
  close(out, scope_spans);
  close(out, resource_spans);
  return out;
}

}  // namespace wire::trace
