#pragma once
/// @file
/// AMQP field tables (message headers) as plain C++ values that keep each field's wire type,
/// so a header table read from one message is written back unchanged when the message is
/// republished (x-death with its nested tables, arrays and timestamps included).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wire/amqp/topology.hpp"

namespace core::amqp {

struct FieldValue;
using FieldTable = std::vector<std::pair<std::string, FieldValue>>;
using FieldArray = std::vector<FieldValue>;

struct Decimal {
  std::uint8_t decimals = 0;
  std::uint32_t value = 0;
  bool operator==(const Decimal&) const = default;
};

/// One typed field. `kind` is the AMQP 0-9-1 type tag as RabbitMQ writes it.
struct FieldValue {
  enum class Kind : char {
    boolean = 't',
    i8 = 'b',
    u8 = 'B',
    i16 = 's',
    u16 = 'u',
    i32 = 'I',
    u32 = 'i',
    i64 = 'l',
    u64 = 'L',
    f32 = 'f',
    f64 = 'd',
    decimal = 'D',
    string = 'S',
    bytes = 'x',
    array = 'A',
    timestamp = 'T',
    table = 'F',
    none = 'V',
  };

  Kind kind = Kind::none;
  /// bool for boolean; int64 for signed kinds; uint64 for unsigned kinds and timestamp;
  /// double for f32/f64; string for string/bytes.
  std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string, Decimal,
               FieldArray, FieldTable>
      value;

  static FieldValue string(std::string s) { return {Kind::string, std::move(s)}; }
  static FieldValue integer(std::int64_t i) { return {Kind::i64, i}; }
  static FieldValue boolean(bool b) { return {Kind::boolean, b}; }
  static FieldValue timestamp(std::uint64_t seconds) { return {Kind::timestamp, seconds}; }
  static FieldValue table(FieldTable t) { return {Kind::table, std::move(t)}; }
  static FieldValue array(FieldArray a) { return {Kind::array, std::move(a)}; }

  /// The text of a string/bytes field, else nullptr.
  const std::string* as_string() const noexcept { return std::get_if<std::string>(&value); }
  /// Any integer kind (and timestamp) as int64, else nullopt.
  std::optional<std::int64_t> as_integer() const noexcept;
  const FieldTable* as_table() const noexcept { return std::get_if<FieldTable>(&value); }
  const FieldArray* as_array() const noexcept { return std::get_if<FieldArray>(&value); }

  bool operator==(const FieldValue&) const = default;
};

/// The field named key, or nullptr.
const FieldValue* find_field(const FieldTable& table, std::string_view key);
/// Sets key (replacing an existing entry of that name, else appending).
void set_field(FieldTable& table, std::string key, FieldValue value);
/// Removes key if present.
void erase_field(FieldTable& table, std::string_view key);

/// The entries of an x-death header (empty when absent or malformed).
std::vector<wire::amqp::DeathRecord> x_death_records(const FieldTable& headers);

/// A topology argument as a field (strings 'S', integers 'l', booleans 't').
FieldValue to_field(const wire::amqp::ArgValue& value);
FieldTable to_table(const wire::amqp::Arguments& args);

}  // namespace core::amqp
