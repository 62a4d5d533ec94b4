#include "wire/trace/otlp_proto.hpp"

#include <bit>
#include <vector>

#include "wire/proto/codec.hpp"

namespace wire::trace {

namespace {

// Every message's size is computed before it is written, so each length is known when its
// field starts: the batch is written once, front to back, into storage reserved once.
constexpr std::size_t kIdField = 1;  // tag bytes of fields 1..15

std::size_t varint_size(std::uint64_t v) {
  return static_cast<std::size_t>(std::bit_width(v | 1) + 6) / 7;
}
// A length-delimited field of `n` bytes with a one-byte tag.
std::size_t delimited_size(std::size_t n) { return kIdField + varint_size(n) + n; }

void put_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

void put_tag(std::string& out, std::uint32_t field, proto::WireType type) {
  put_varint(out, (std::uint64_t{field} << 3) | static_cast<std::uint8_t>(type));
}
void put_delimited(std::string& out, std::uint32_t field, std::size_t n) {
  put_tag(out, field, proto::WireType::length_delimited);
  put_varint(out, n);
}
void put_bytes(std::string& out, std::uint32_t field, std::string_view bytes) {
  put_delimited(out, field, bytes.size());
  out.append(bytes);
}
void put_fixed64(std::string& out, std::uint32_t field, std::uint64_t v) {
  put_tag(out, field, proto::WireType::fixed64);
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));  // little-endian
  out.append(bytes, 8);
}
void put_varint_field(std::string& out, std::uint32_t field, std::uint64_t v) {
  put_tag(out, field, proto::WireType::varint);
  put_varint(out, v);
}

// AnyValue: a oneof member is written even when it holds its type's default ("", 0, false).
std::size_t value_size(const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return delimited_size(s->size());
  if (std::holds_alternative<bool>(v)) return 2;
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    return 1 + varint_size(static_cast<std::uint64_t>(*i));
  }
  return 1 + 8;  // double
}

void put_value(std::string& out, const AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    put_bytes(out, 1, *s);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    put_varint_field(out, 2, *b ? 1 : 0);
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    put_varint_field(out, 3, static_cast<std::uint64_t>(*i));
  } else {
    put_fixed64(out, 4, std::bit_cast<std::uint64_t>(std::get<double>(v)));
  }
}

// KeyValue { key = 1; value = 2; }
std::size_t attribute_size(std::string_view key, const AttributeValue& v) {
  return (key.empty() ? 0 : delimited_size(key.size())) + delimited_size(value_size(v));
}

void put_attribute(std::string& out, std::uint32_t field, std::string_view key,
                   const AttributeValue& v) {
  put_delimited(out, field, attribute_size(key, v));
  if (!key.empty()) put_bytes(out, 1, key);
  put_delimited(out, 2, value_size(v));
  put_value(out, v);
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

bool has_status(const SpanData& s) {
  return s.status != StatusCode::unset || !s.status_message.empty();
}
std::size_t status_size(const SpanData& s) {
  return (s.status_message.empty() ? 0 : delimited_size(s.status_message.size())) +
         (s.status == StatusCode::unset ? 0 : 2);
}

std::size_t span_size(const SpanData& s) {
  std::size_t n = delimited_size(16) + delimited_size(8);
  if (!s.tracestate.empty()) n += delimited_size(s.tracestate.size());
  if (!is_root(s.parent_span_id)) n += delimited_size(8);
  if (!s.name.empty()) n += delimited_size(s.name.size());
  n += 1 + varint_size(static_cast<std::uint64_t>(s.kind));
  n += 2 * (1 + 8);
  for (const auto& [k, v] : s.attributes) n += delimited_size(attribute_size(k, v));
  if (has_status(s)) n += delimited_size(status_size(s));  // field 15: still a one-byte tag
  return n;
}

void put_span(std::string& out, const SpanData& s, std::size_t size) {
  put_delimited(out, 2, size);
  put_bytes(out, 1, bytes_of(s.trace_id));
  put_bytes(out, 2, bytes_of(s.span_id));
  if (!s.tracestate.empty()) put_bytes(out, 3, s.tracestate);
  if (!is_root(s.parent_span_id)) put_bytes(out, 4, bytes_of(s.parent_span_id));
  if (!s.name.empty()) put_bytes(out, 5, s.name);
  put_varint_field(out, 6, static_cast<std::uint64_t>(s.kind));
  put_fixed64(out, 7, s.start_unix_nano);
  put_fixed64(out, 8, s.end_unix_nano);
  for (const auto& [k, v] : s.attributes) put_attribute(out, 9, k, v);
  if (has_status(s)) {
    put_delimited(out, 15, status_size(s));
    if (!s.status_message.empty()) put_bytes(out, 2, s.status_message);
    if (s.status != StatusCode::unset) put_varint_field(out, 3, static_cast<int>(s.status));
  }
}

constexpr std::string_view kScope = "microservices";

}  // namespace

std::string encode_otlp_proto(std::string_view service, const Attributes& resource,
                              std::span<const SpanData> spans) {
  const AttributeValue service_name{std::string(service)};
  std::size_t resource_size = delimited_size(attribute_size("service.name", service_name));
  for (const auto& [k, v] : resource) resource_size += delimited_size(attribute_size(k, v));
  std::vector<std::size_t> sizes;
  sizes.reserve(spans.size());
  std::size_t scope_spans_size = delimited_size(delimited_size(kScope.size()));
  for (const SpanData& s : spans) {
    sizes.push_back(span_size(s));
    scope_spans_size += delimited_size(sizes.back());
  }
  const std::size_t resource_spans_size =
      delimited_size(resource_size) + delimited_size(scope_spans_size);

  std::string out;
  out.reserve(delimited_size(resource_spans_size));
  put_delimited(out, 1, resource_spans_size);  // ExportTraceServiceRequest.resource_spans
  put_delimited(out, 1, resource_size);        // ResourceSpans.resource
  put_attribute(out, 1, "service.name", service_name);
  for (const auto& [k, v] : resource) put_attribute(out, 1, k, v);
  put_delimited(out, 2, scope_spans_size);  // ResourceSpans.scope_spans
  put_delimited(out, 1, delimited_size(kScope.size()));  // ScopeSpans.scope
  put_bytes(out, 1, kScope);
  for (std::size_t i = 0; i < spans.size(); ++i) put_span(out, spans[i], sizes[i]);
  return out;
}

}  // namespace wire::trace
