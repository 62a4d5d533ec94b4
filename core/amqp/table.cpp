#include "core/amqp/table.hpp"

#include <algorithm>

namespace core::amqp {

std::optional<std::int64_t> FieldValue::as_integer() const noexcept {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&value)) {
    if (*u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*u);
  }
  return std::nullopt;
}

const FieldValue* find_field(const FieldTable& table, std::string_view key) {
  for (const auto& [k, v] : table) {
    if (k == key) return &v;
  }
  return nullptr;
}

void set_field(FieldTable& table, std::string key, FieldValue value) {
  for (auto& [k, v] : table) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  table.emplace_back(std::move(key), std::move(value));
}

void erase_field(FieldTable& table, std::string_view key) {
  std::erase_if(table, [&](const auto& entry) { return entry.first == key; });
}

std::vector<wire::amqp::DeathRecord> x_death_records(const FieldTable& headers) {
  std::vector<wire::amqp::DeathRecord> out;
  const FieldValue* x_death = find_field(headers, "x-death");
  const FieldArray* entries = x_death ? x_death->as_array() : nullptr;
  if (!entries) return out;
  for (const FieldValue& entry : *entries) {
    const FieldTable* t = entry.as_table();
    if (!t) continue;
    wire::amqp::DeathRecord r;
    if (const FieldValue* q = find_field(*t, "queue"); q && q->as_string())
      r.queue = *q->as_string();
    if (const FieldValue* why = find_field(*t, "reason"); why && why->as_string()) {
      r.reason = *why->as_string();
    }
    if (const FieldValue* n = find_field(*t, "count")) r.count = n->as_integer().value_or(0);
    out.push_back(std::move(r));
  }
  return out;
}

FieldValue to_field(const wire::amqp::ArgValue& value) {
  return std::visit(
      [](const auto& v) -> FieldValue {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return FieldValue::string(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return FieldValue::boolean(v);
        } else {
          return FieldValue::integer(v);
        }
      },
      value);
}

FieldTable to_table(const wire::amqp::Arguments& args) {
  FieldTable out;
  out.reserve(args.size());
  for (const auto& a : args) out.emplace_back(a.key, to_field(a.value));
  return out;
}

}  // namespace core::amqp
