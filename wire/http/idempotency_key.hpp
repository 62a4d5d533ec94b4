#pragma once
/// @file
/// The one rule for an `Idempotency-Key` header, shared by the services that deduplicate by it
/// (logger: the entry's _id; mail: a window of sent mails) and by the listener, which passes an
/// AMQP message_id in it: 1 to 128 visible ASCII characters.
#include <cstddef>
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace wire::http {

inline constexpr std::size_t kMaxIdempotencyKey = 128;

bool is_valid_idempotency_key(std::string_view key) noexcept;

/// The header's value; "" when the header is absent; error 400 naming the header otherwise.
Result<std::string> parse_idempotency_key(const std::string* header);

}  // namespace wire::http
