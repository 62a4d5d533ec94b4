#pragma once
/// @file
/// The peer's gob type definitions, as one connection direction receives them. A peer sends
/// each of its types once, as a message `-id wireType` before the first value of that type;
/// values then name their type by id. A definition may name types defined in later messages
/// (Go sends a struct before the types of its fields), so ids are resolved when a value is
/// decoded, not when its type arrives.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wire/rpc/gob_primitives.hpp"

namespace wire::rpc::gob {

struct WireField {
  std::string name;
  std::int64_t type = 0;
};

/// One decoded wireType (arrayType, sliceType, structType, mapType or a GobEncoder type).
struct WireType {
  enum class Kind { array, slice, structure, map, opaque };
  Kind kind = Kind::structure;
  std::string name;
  std::vector<WireField> fields;  // structure
  std::int64_t elem = 0;          // array, slice, map
  std::int64_t key = 0;           // map
  std::int64_t length = 0;        // array
};

/// A field of one of our structs: where a matching field of the peer's struct goes.
struct LocalField {
  std::string_view name;
  std::int64_t type;  // kString or kUint
  std::string* text = nullptr;
  std::uint64_t* number = nullptr;
};

/// The id a type definition defines, from the negative id that announces it (refused past
/// gob's int32 ids, which also keeps -INT64_MIN from being computed).
std::int64_t defined_type_id(std::int64_t announced);

class TypeRegistry {
 public:
  /// At most this many types per connection: a peer cannot grow our memory without end.
  static constexpr std::size_t kMaxTypes = 1024;

  /// Decodes the wireType of type `id` (a type-definition message after its id). Throws
  /// DecodeError for a duplicate or reserved id, malformed data or trailing bytes.
  void define(std::int64_t id, Reader& r);

  const WireType* find(std::int64_t id) const;
  /// Go's name for a type id, for error messages.
  std::string type_name(std::int64_t id) const;

  /// Decodes a top-level struct value of wire type `id` into `local`, matching fields by name
  /// as Go does: fields we do not know are skipped, fields we know must have our type, and at
  /// least one must match. Fields the peer left out keep their values (gob omits zero values).
  void decode_struct(std::int64_t id, Reader& r, std::span<const LocalField> local,
                     std::string_view local_name);

  /// Decodes a top-level string value (a non-struct value travels as a "singleton": a zero
  /// field delta, then the value).
  std::string_view decode_string(std::int64_t id, Reader& r) const;

  /// Skips a top-level value of any type (struct or singleton).
  void skip_value(std::int64_t id, Reader& r);

  /// How many types are defined; rollback(mark) forgets those defined since (a value that
  /// stopped at NeedMore is decoded again, with its inline type definitions, later).
  std::size_t mark() const noexcept { return order_.size(); }
  void rollback(std::size_t mark);

 private:
  void skip(std::int64_t id, Reader& r, int depth);
  void skip_interface(Reader& r);
  std::unordered_map<std::int64_t, WireType> types_;
  std::vector<std::int64_t> order_;
};

}  // namespace wire::rpc::gob
