#include "core/amqp/codec.hpp"

#include <cstring>

#include "core/amqp/error.hpp"

namespace core::amqp::detail {

namespace {

constexpr std::size_t kHeaderSize = 7;  // type, channel, payload size
constexpr std::size_t kFooterSize = 1;  // AMQP_FRAME_END
using Kind = FieldValue::Kind;

FieldValue decode_value(const amqp_field_value_t& v);

FieldArray decode_array(const amqp_array_t& a) {
  FieldArray out;
  out.reserve(static_cast<std::size_t>(a.num_entries));
  for (int i = 0; i < a.num_entries; ++i) out.push_back(decode_value(a.entries[i]));
  return out;
}

FieldValue decode_value(const amqp_field_value_t& v) {
  const auto kind = static_cast<Kind>(v.kind);
  switch (v.kind) {
    case AMQP_FIELD_KIND_BOOLEAN:
      return {kind, v.value.boolean != 0};
    case AMQP_FIELD_KIND_I8:
      return {kind, std::int64_t{v.value.i8}};
    case AMQP_FIELD_KIND_U8:
      return {kind, std::uint64_t{v.value.u8}};
    case AMQP_FIELD_KIND_I16:
      return {kind, std::int64_t{v.value.i16}};
    case AMQP_FIELD_KIND_U16:
      return {kind, std::uint64_t{v.value.u16}};
    case AMQP_FIELD_KIND_I32:
      return {kind, std::int64_t{v.value.i32}};
    case AMQP_FIELD_KIND_U32:
      return {kind, std::uint64_t{v.value.u32}};
    case AMQP_FIELD_KIND_I64:
      return {kind, std::int64_t{v.value.i64}};
    case AMQP_FIELD_KIND_U64:
    case AMQP_FIELD_KIND_TIMESTAMP:
      return {kind, std::uint64_t{v.value.u64}};
    case AMQP_FIELD_KIND_F32:
      return {kind, double{v.value.f32}};
    case AMQP_FIELD_KIND_F64:
      return {kind, v.value.f64};
    case AMQP_FIELD_KIND_DECIMAL:
      return {kind, Decimal{v.value.decimal.decimals, v.value.decimal.value}};
    case AMQP_FIELD_KIND_UTF8:
    case AMQP_FIELD_KIND_BYTES:
      return {kind, to_string(v.value.bytes)};
    case AMQP_FIELD_KIND_ARRAY:
      return {kind, decode_array(v.value.array)};
    case AMQP_FIELD_KIND_TABLE:
      return {kind, decode_table(v.value.table)};
    default:
      return {Kind::none, std::monostate{}};
  }
}

template <class T>
T* alloc(EncodeArena& arena, std::size_t n) {
  if (n == 0) return nullptr;
  void* p = amqp_pool_alloc(arena.pool(), sizeof(T) * n);
  if (!p) throw std::bad_alloc();
  return static_cast<T*>(p);
}

amqp_field_value_t encode_value(const FieldValue& f, EncodeArena& arena) {
  amqp_field_value_t v;
  std::memset(&v, 0, sizeof v);
  v.kind = static_cast<std::uint8_t>(f.kind);
  const auto i64 = [&] { return f.as_integer().value_or(0); };
  const auto u64 = [&] {
    if (const auto* u = std::get_if<std::uint64_t>(&f.value)) return *u;
    return static_cast<std::uint64_t>(i64());
  };
  switch (f.kind) {
    case Kind::boolean:
      v.value.boolean = std::get_if<bool>(&f.value) && std::get<bool>(f.value);
      break;
    case Kind::i8:
      v.value.i8 = static_cast<std::int8_t>(i64());
      break;
    case Kind::u8:
      v.value.u8 = static_cast<std::uint8_t>(u64());
      break;
    case Kind::i16:
      v.value.i16 = static_cast<std::int16_t>(i64());
      break;
    case Kind::u16:
      v.value.u16 = static_cast<std::uint16_t>(u64());
      break;
    case Kind::i32:
      v.value.i32 = static_cast<std::int32_t>(i64());
      break;
    case Kind::u32:
      v.value.u32 = static_cast<std::uint32_t>(u64());
      break;
    case Kind::i64:
      v.value.i64 = i64();
      break;
    case Kind::u64:
    case Kind::timestamp:
      v.value.u64 = u64();
      break;
    case Kind::f32: {
      const auto* d = std::get_if<double>(&f.value);
      v.value.f32 = d ? static_cast<float>(*d) : 0.0f;
      break;
    }
    case Kind::f64: {
      const auto* d = std::get_if<double>(&f.value);
      v.value.f64 = d ? *d : 0.0;
      break;
    }
    case Kind::decimal: {
      const auto* d = std::get_if<Decimal>(&f.value);
      if (d) v.value.decimal = amqp_decimal_t{d->decimals, d->value};
      break;
    }
    case Kind::string:
    case Kind::bytes: {
      const std::string* s = f.as_string();
      v.value.bytes = s ? bytes_of(*s) : amqp_empty_bytes;
      break;
    }
    case Kind::array: {
      const FieldArray* a = f.as_array();
      const std::size_t n = a ? a->size() : 0;
      v.value.array.num_entries = static_cast<int>(n);
      v.value.array.entries = alloc<amqp_field_value_t>(arena, n);
      for (std::size_t i = 0; i < n; ++i) v.value.array.entries[i] = encode_value((*a)[i], arena);
      break;
    }
    case Kind::table: {
      const FieldTable* t = f.as_table();
      v.value.table = t ? encode_table(*t, arena) : amqp_empty_table;
      break;
    }
    case Kind::none:
      break;
  }
  return v;
}

void put_header(char* p, std::uint8_t type, std::uint16_t channel, std::uint32_t size) {
  p[0] = static_cast<char>(type);
  p[1] = static_cast<char>(channel >> 8);
  p[2] = static_cast<char>(channel & 0xFF);
  p[3] = static_cast<char>(size >> 24);
  p[4] = static_cast<char>((size >> 16) & 0xFF);
  p[5] = static_cast<char>((size >> 8) & 0xFF);
  p[6] = static_cast<char>(size & 0xFF);
}

void put_u16(char* p, std::uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v & 0xFF);
}

void put_u32(char* p, std::uint32_t v) {
  put_u16(p, static_cast<std::uint16_t>(v >> 16));
  put_u16(p + 2, static_cast<std::uint16_t>(v & 0xFFFF));
}

void put_u64(char* p, std::uint64_t v) {
  put_u32(p, static_cast<std::uint32_t>(v >> 32));
  put_u32(p + 4, static_cast<std::uint32_t>(v & 0xFFFFFFFF));
}

}  // namespace

FieldTable decode_table(const amqp_table_t& table) {
  FieldTable out;
  out.reserve(static_cast<std::size_t>(table.num_entries));
  for (int i = 0; i < table.num_entries; ++i) {
    const amqp_table_entry_t& e = table.entries[i];
    out.emplace_back(to_string(e.key), decode_value(e.value));
  }
  return out;
}

Properties decode_properties(const amqp_basic_properties_t& p) {
  Properties out;
  const amqp_flags_t f = p._flags;
  out.content_type = (f & AMQP_BASIC_CONTENT_TYPE_FLAG) ? to_string(p.content_type) : std::string();
  out.persistent =
      (f & AMQP_BASIC_DELIVERY_MODE_FLAG) && p.delivery_mode == AMQP_DELIVERY_PERSISTENT;
  if (f & AMQP_BASIC_MESSAGE_ID_FLAG) out.message_id = to_string(p.message_id);
  if (f & AMQP_BASIC_CORRELATION_ID_FLAG) out.correlation_id = to_string(p.correlation_id);
  if (f & AMQP_BASIC_APP_ID_FLAG) out.app_id = to_string(p.app_id);
  if (f & AMQP_BASIC_TYPE_FLAG) out.type = to_string(p.type);
  if (f & AMQP_BASIC_TIMESTAMP_FLAG) out.timestamp = p.timestamp;
  if (f & AMQP_BASIC_HEADERS_FLAG) out.headers = decode_table(p.headers);
  return out;
}

EncodeArena::EncodeArena() { init_amqp_pool(&pool_, 4096); }
EncodeArena::~EncodeArena() { empty_amqp_pool(&pool_); }
void EncodeArena::recycle() noexcept { recycle_amqp_pool(&pool_); }

amqp_table_t encode_table(const FieldTable& table, EncodeArena& arena) {
  amqp_table_t out;
  out.num_entries = static_cast<int>(table.size());
  out.entries = alloc<amqp_table_entry_t>(arena, table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    out.entries[i].key = bytes_of(table[i].first);
    out.entries[i].value = encode_value(table[i].second, arena);
  }
  return out;
}

amqp_basic_properties_t encode_properties(const Properties& props, EncodeArena& arena) {
  amqp_basic_properties_t p;
  std::memset(&p, 0, sizeof p);
  p._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  p.delivery_mode = props.persistent ? AMQP_DELIVERY_PERSISTENT : AMQP_DELIVERY_NONPERSISTENT;
  const auto set = [&](const std::string& value, amqp_flags_t flag, amqp_bytes_t& field) {
    if (value.empty()) return;
    p._flags |= flag;
    field = bytes_of(value);
  };
  set(props.content_type, AMQP_BASIC_CONTENT_TYPE_FLAG, p.content_type);
  set(props.message_id, AMQP_BASIC_MESSAGE_ID_FLAG, p.message_id);
  set(props.correlation_id, AMQP_BASIC_CORRELATION_ID_FLAG, p.correlation_id);
  set(props.app_id, AMQP_BASIC_APP_ID_FLAG, p.app_id);
  set(props.type, AMQP_BASIC_TYPE_FLAG, p.type);
  if (props.timestamp) {
    p._flags |= AMQP_BASIC_TIMESTAMP_FLAG;
    p.timestamp = *props.timestamp;
  }
  if (!props.headers.empty()) {
    p._flags |= AMQP_BASIC_HEADERS_FLAG;
    p.headers = encode_table(props.headers, arena);
  }
  return p;
}

FrameEncoder::FrameEncoder(std::uint32_t frame_max) : frame_max_(frame_max), scratch_(frame_max) {}

void FrameEncoder::method(std::string& out, std::uint16_t channel, amqp_method_number_t id,
                          void* decoded) {
  char* base = scratch_.data();
  put_u32(base + kHeaderSize, id);
  amqp_bytes_t room{frame_max_ - kHeaderSize - 4 - kFooterSize, base + kHeaderSize + 4};
  const int n = amqp_encode_method(id, decoded, room);
  if (n < 0) throw Error(std::string("amqp: cannot encode method: ") + amqp_error_string2(n));
  const auto payload = static_cast<std::uint32_t>(n) + 4;
  put_header(base, AMQP_FRAME_METHOD, channel, payload);
  base[kHeaderSize + payload] = static_cast<char>(AMQP_FRAME_END);
  out.append(base, kHeaderSize + payload + kFooterSize);
}

void FrameEncoder::content(std::string& out, std::uint16_t channel,
                           const amqp_basic_properties_t& props, std::string_view body) {
  char* base = scratch_.data();
  put_u16(base + kHeaderSize, AMQP_BASIC_CLASS);
  put_u16(base + kHeaderSize + 2, 0);  // weight
  put_u64(base + kHeaderSize + 4, body.size());
  amqp_bytes_t room{frame_max_ - kHeaderSize - 12 - kFooterSize, base + kHeaderSize + 12};
  const int n =
      amqp_encode_properties(AMQP_BASIC_CLASS, const_cast<amqp_basic_properties_t*>(&props), room);
  if (n < 0) throw Error(std::string("amqp: cannot encode properties: ") + amqp_error_string2(n));
  const auto payload = static_cast<std::uint32_t>(n) + 12;
  put_header(base, AMQP_FRAME_HEADER, channel, payload);
  base[kHeaderSize + payload] = static_cast<char>(AMQP_FRAME_END);
  out.append(base, kHeaderSize + payload + kFooterSize);

  const std::size_t chunk = frame_max_ - kHeaderSize - kFooterSize;
  for (std::size_t off = 0; off < body.size(); off += chunk) {
    const std::string_view part = body.substr(off, chunk);
    char header[kHeaderSize];
    put_header(header, AMQP_FRAME_BODY, channel, static_cast<std::uint32_t>(part.size()));
    out.append(header, kHeaderSize);
    out.append(part);
    out.push_back(static_cast<char>(AMQP_FRAME_END));
  }
}

void FrameEncoder::heartbeat(std::string& out) {
  static constexpr char kFrame[] = {
      AMQP_FRAME_HEARTBEAT, 0, 0, 0, 0, 0, 0, static_cast<char>(AMQP_FRAME_END)};
  out.append(kFrame, sizeof kFrame);
}

}  // namespace core::amqp::detail
