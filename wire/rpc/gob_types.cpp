#include "wire/rpc/gob_types.hpp"

#include <fmt/format.h>

namespace wire::rpc::gob {

namespace {

constexpr int kMaxDepth = 100;

/// Advances *field by the next field delta of a struct with `count` fields; false at the
/// struct's end (a zero delta, or the end of the message, which Go accepts too).
bool next_field(Reader& r, std::int64_t* field, std::size_t count) {
  if (r.empty()) return false;
  std::uint64_t delta = r.read_uint();
  if (delta == 0) return false;
  if (delta > count ||
      static_cast<std::int64_t>(delta) + *field >= static_cast<std::int64_t>(count)) {
    throw DecodeError("gob: bad data: field numbers out of bounds");
  }
  *field += static_cast<std::int64_t>(delta);
  return true;
}

std::int64_t read_type_id(Reader& r) {
  std::int64_t id = r.read_int();
  if (id < 0 || id > INT32_MAX) throw DecodeError("gob: bad data: invalid type id");
  return id;
}

// CommonType{Name string; Id typeId}
void read_common(Reader& r, WireType* t) {
  std::int64_t field = -1;
  while (next_field(r, &field, 2)) {
    if (field == 0)
      t->name = std::string(r.read_string());
    else
      read_type_id(r);  // the peer's own id, repeated; the message's id is what counts
  }
}

// fieldType{Name string; Id typeId}
WireField read_field_type(Reader& r) {
  WireField f;
  std::int64_t field = -1;
  while (next_field(r, &field, 2)) {
    if (field == 0)
      f.name = std::string(r.read_string());
    else
      f.type = read_type_id(r);
  }
  return f;
}

// arrayType{CommonType; Elem typeId; Len int}, sliceType{CommonType; Elem typeId},
// mapType{CommonType; Key typeId; Elem typeId}, structType{CommonType; Field []fieldType},
// gobEncoderType{CommonType}.
void read_kind(Reader& r, WireType* t) {
  std::size_t count = 1;
  switch (t->kind) {
    case WireType::Kind::array:
      count = 3;
      break;
    case WireType::Kind::slice:
      count = 2;
      break;
    case WireType::Kind::structure:
      count = 2;
      break;
    case WireType::Kind::map:
      count = 3;
      break;
    case WireType::Kind::opaque:
      count = 1;
      break;
  }
  std::int64_t field = -1;
  while (next_field(r, &field, count)) {
    if (field == 0) {
      read_common(r, t);
      continue;
    }
    switch (t->kind) {
      case WireType::Kind::array:
        if (field == 1)
          t->elem = read_type_id(r);
        else
          t->length = r.read_int();
        break;
      case WireType::Kind::slice:
        t->elem = read_type_id(r);
        break;
      case WireType::Kind::map:
        if (field == 1)
          t->key = read_type_id(r);
        else
          t->elem = read_type_id(r);
        break;
      case WireType::Kind::structure: {
        std::uint64_t n = r.read_uint();
        if (n > r.remaining()) throw DecodeError("gob: bad data: field count exceeds input size");
        t->fields.reserve(static_cast<std::size_t>(n));
        for (std::uint64_t i = 0; i < n; ++i) {
          t->fields.push_back(read_field_type(r));
          if (t->fields.back().name.empty()) {
            throw DecodeError(fmt::format("gob: empty name for remote field of type {}", t->name));
          }
        }
        break;
      }
      case WireType::Kind::opaque:
        break;
    }
  }
  if (t->kind == WireType::Kind::array && t->length < 0)
    throw DecodeError("gob: bad data: negative array length");
}

bool is_exported(std::string_view name) {
  return !name.empty() && name[0] >= 'A' && name[0] <= 'Z';
}

std::string_view go_type_name(std::int64_t type) { return type == kString ? "string" : "uint64"; }

}  // namespace

std::int64_t defined_type_id(std::int64_t announced) {
  if (announced >= 0 || announced < -std::int64_t{INT32_MAX}) throw DecodeError("gob: bad data: invalid type id");
  return -announced;
}

void TypeRegistry::define(std::int64_t id, Reader& r) {
  if (id < kFirstUserId || id > INT32_MAX || types_.count(id) != 0) {
    throw DecodeError("gob: duplicate type received");
  }
  if (types_.size() >= kMaxTypes)
    throw DecodeError("gob: too many types defined on one connection");
  // wireType{ArrayT *arrayType; SliceT *sliceType; StructT *structType; MapT *mapType;
  //          GobEncoderT, BinaryMarshalerT, TextMarshalerT *gobEncoderType}
  WireType t;
  int kinds = 0;
  std::int64_t field = -1;
  while (next_field(r, &field, 7)) {
    static constexpr WireType::Kind kByField[] = {WireType::Kind::array,     WireType::Kind::slice,
                                                  WireType::Kind::structure, WireType::Kind::map,
                                                  WireType::Kind::opaque,    WireType::Kind::opaque,
                                                  WireType::Kind::opaque};
    t.kind = kByField[field];
    read_kind(r, &t);
    ++kinds;
  }
  if (kinds != 1)
    throw DecodeError("gob: bad data: type definition must describe exactly one kind");
  types_.emplace(id, std::move(t));
  order_.push_back(id);
}

const WireType* TypeRegistry::find(std::int64_t id) const {
  auto it = types_.find(id);
  return it == types_.end() ? nullptr : &it->second;
}

std::string TypeRegistry::type_name(std::int64_t id) const {
  switch (id) {
    case kBool:
      return "bool";
    case kInt:
      return "int";
    case kUint:
      return "uint";
    case kFloat:
      return "float";
    case kBytes:
      return "bytes";
    case kString:
      return "string";
    case kComplex:
      return "complex";
    case kInterface:
      return "interface";
    default:
      break;
  }
  const WireType* t = find(id);
  return t ? t->name : "<nil>";
}

void TypeRegistry::decode_struct(std::int64_t id, Reader& r, std::span<const LocalField> local,
                                 std::string_view local_name) {
  const WireType* t = find(id);
  if (t == nullptr && (id < 1 || id > kInterface))
    throw DecodeError("gob: unknown type id or corrupted data");
  if (t == nullptr || t->kind != WireType::Kind::structure) {
    throw DecodeError(fmt::format(
        "gob: type mismatch in decoder: want struct type {}; got non-struct", local_name));
  }
  // Which of our fields each wire field lands in (-1: skipped), by name as Go's compileDec.
  constexpr std::size_t kInline = 16;
  int inline_match[kInline];
  std::vector<int> heap_match;
  int* match = inline_match;
  if (t->fields.size() > kInline) {
    heap_match.resize(t->fields.size());
    match = heap_match.data();
  }
  int matched = 0;
  for (std::size_t i = 0; i < t->fields.size(); ++i) {
    match[i] = -1;
    const WireField& wf = t->fields[i];
    if (!is_exported(wf.name)) continue;
    for (std::size_t j = 0; j < local.size(); ++j) {
      if (local[j].name != wf.name) continue;
      if (local[j].type != wf.type) {
        throw DecodeError(fmt::format("gob: wrong type ({}) for received field {}.{}",
                                      go_type_name(local[j].type), t->name, wf.name));
      }
      match[i] = static_cast<int>(j);
      ++matched;
      break;
    }
  }
  if (matched == 0 && !local.empty() && !t->fields.empty()) {
    throw DecodeError(
        fmt::format("gob: type mismatch: no fields matched compiling decoder for {}", local_name));
  }
  std::int64_t field = -1;
  while (next_field(r, &field, t->fields.size())) {
    int j = match[field];
    if (j < 0) {
      skip(t->fields[static_cast<std::size_t>(field)].type, r, 1);
    } else if (local[static_cast<std::size_t>(j)].type == kString) {
      local[static_cast<std::size_t>(j)].text->assign(r.read_string());
    } else {
      *local[static_cast<std::size_t>(j)].number = r.read_uint();
    }
  }
}

std::string_view TypeRegistry::decode_string(std::int64_t id, Reader& r) const {
  if (id != kString) {
    if (find(id) == nullptr && (id < 1 || id > kInterface)) {
      throw DecodeError("gob: unknown type id or corrupted data");
    }
    throw DecodeError(fmt::format("gob: decoding into local type string, received remote type {}",
                                  type_name(id)));
  }
  if (r.read_uint() != 0)
    throw DecodeError("gob: decode: corrupted data: non-zero delta for singleton");
  return r.read_string();
}

void TypeRegistry::rollback(std::size_t mark) {
  while (order_.size() > mark) {
    types_.erase(order_.back());
    order_.pop_back();
  }
}

void TypeRegistry::skip_value(std::int64_t id, Reader& r) {
  const WireType* t = find(id);
  if (t != nullptr && t->kind == WireType::Kind::structure) {
    skip(id, r, 0);
    return;
  }
  if (r.read_uint() != 0)
    throw DecodeError("gob: decode: corrupted data: non-zero delta for singleton");
  skip(id, r, 0);
}

// An interface value: the concrete type's registered name (empty: nil), then Go's
// decodeTypeSequence(true): type definitions, each possibly ending the message (the value then
// goes on in the next one), then the concrete type id; then the value with its byte count.
void TypeRegistry::skip_interface(Reader& r) {
  if (r.read_string().empty()) return;
  for (;;) {
    if (r.empty()) r.continue_in_next_frame();
    std::int64_t id = r.read_int();
    if (id >= 0) break;
    define(defined_type_id(id), r);
    if (!r.empty()) r.read_uint();  // the count of a delimited value that follows
  }
  r.skip(static_cast<std::size_t>(std::min<std::uint64_t>(r.read_uint(), SIZE_MAX)));
}

void TypeRegistry::skip(std::int64_t id, Reader& r, int depth) {
  if (depth > kMaxDepth) throw DecodeError("gob: invalid nesting depth");
  switch (id) {
    case kBool:
    case kInt:
    case kUint:
    case kFloat:
      r.read_uint();
      return;
    case kBytes:
    case kString:
      r.read_string();
      return;
    case kComplex:
      r.read_uint();
      r.read_uint();
      return;
    case kInterface:
      skip_interface(r);
      return;
    default:
      break;
  }
  const WireType* t = find(id);
  if (t == nullptr) throw DecodeError(fmt::format("gob: bad data: undefined type {}", id));
  switch (t->kind) {
    case WireType::Kind::opaque:
      r.read_string();
      return;
    case WireType::Kind::array:
    case WireType::Kind::slice: {
      std::uint64_t n = r.read_uint();
      if (t->kind == WireType::Kind::array && n != static_cast<std::uint64_t>(t->length)) {
        throw DecodeError("gob: length mismatch in ignoreArray");
      }
      for (std::uint64_t i = 0; i < n; ++i) {
        if (r.empty())
          throw DecodeError(fmt::format(
              "gob: decoding array or slice: length exceeds input size ({} elements)", n));
        skip(t->elem, r, depth + 1);
      }
      return;
    }
    case WireType::Kind::map: {
      std::uint64_t n = r.read_uint();
      for (std::uint64_t i = 0; i < n; ++i) {
        if (r.empty()) throw DecodeError("gob: decoding map: length exceeds input size");
        skip(t->key, r, depth + 1);
        skip(t->elem, r, depth + 1);
      }
      return;
    }
    case WireType::Kind::structure: {
      std::int64_t field = -1;
      while (next_field(r, &field, t->fields.size())) {
        skip(t->fields[static_cast<std::size_t>(field)].type, r, depth + 1);
      }
      return;
    }
  }
}

}  // namespace wire::rpc::gob
