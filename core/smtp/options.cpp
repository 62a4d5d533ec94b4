#include "core/smtp/options.hpp"

namespace core::smtp {

std::optional<Encryption> parse_encryption(std::string_view text) noexcept {
  if (text.empty() || text == "none") return Encryption::none;
  if (text == "starttls") return Encryption::starttls;
  // The Go system said "ssl" for implicit TLS; accept its configuration unchanged.
  if (text == "tls" || text == "ssl") return Encryption::tls;
  return std::nullopt;
}

std::string_view encryption_name(Encryption e) noexcept {
  switch (e) {
    case Encryption::none: return "none";
    case Encryption::starttls: return "starttls";
    case Encryption::tls: return "tls";
  }
  return "none";
}

}  // namespace core::smtp
