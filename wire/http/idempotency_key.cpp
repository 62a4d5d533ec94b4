#include "wire/http/idempotency_key.hpp"

namespace wire::http {

bool is_valid_idempotency_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > kMaxIdempotencyKey) return false;
  for (char c : key) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

Result<std::string> parse_idempotency_key(const std::string* header) {
  if (!header) return std::string();
  if (!is_valid_idempotency_key(*header)) {
    return make_error(400, "Idempotency-Key must be 1 to 128 visible ASCII characters");
  }
  return *header;
}

}  // namespace wire::http
