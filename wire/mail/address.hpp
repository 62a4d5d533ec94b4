#pragma once
/// @file
/// A pragmatic RFC 5321 mailbox check: what a mail relay accepts in MAIL FROM / RCPT TO and
/// what is safe to put into a header and an SMTP command line.
#include <cstddef>
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace wire::mail {

/// RFC 5321 section 4.5.3.1 limits (the path limit of 256 minus the angle brackets).
inline constexpr std::size_t kMaxLocalPart = 64;
inline constexpr std::size_t kMaxDomain = 253;
inline constexpr std::size_t kMaxAddress = 254;

/// Why `address` is not a mailbox we send to, or nullptr when it is one. Accepted:
/// `local@domain`, where local is a dot-atom (letters, digits, ``!#$%&'*+-/=?^_`{|}~``, dots
/// not leading, trailing or doubled) and domain is `localhost` or dot-separated labels of
/// letters, digits and inner hyphens. Refused: quoted local parts, address literals, non-ASCII
/// (no SMTPUTF8), spaces, control characters, angle brackets, and anything over the limits.
const char* address_problem(std::string_view address) noexcept;

inline bool is_valid_address(std::string_view address) noexcept {
  return address_problem(address) == nullptr;
}

/// The same check as a Result: error 400 "invalid <field> address: <why>".
Result<void> check_address(std::string_view address, std::string_view field);

/// One mailbox as a client writes it: `addr`, `<addr>`, `Display Name <addr>` or
/// `"Quoted, Name" <addr>` (what Go's net/mail.ParseAddress takes for a single mailbox, as
/// the Go system's mail library did). The address part passes address_problem(); the name is
/// UTF-8 without control characters (the composer encodes it as RFC 2047 words when needed).
struct ParsedMailbox {
  std::string address;
  std::string name;
};

/// Error 400 "invalid <field> address: <why>" (a CR/LF anywhere included).
Result<ParsedMailbox> parse_mailbox(std::string_view text, std::string_view field);

}  // namespace wire::mail
