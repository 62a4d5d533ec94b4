#pragma once
/// @file
/// What a relay offers in its EHLO reply (RFC 5321 4.1.1.1): the extensions the client uses.
#include <cstddef>
#include <optional>

#include "wire/smtp/reply.hpp"

namespace wire::smtp {

struct Extensions {
  bool pipelining = false;  ///< RFC 2920
  bool starttls = false;    ///< RFC 3207
  bool auth_plain = false;  ///< RFC 4954 / 4616
  bool auth_login = false;
  bool eight_bit_mime = false;
  /// RFC 1870: the relay's size limit; 0 = offered without a limit; nullopt = not offered.
  std::optional<std::size_t> size;
};

/// Reads the keywords of a 250 EHLO reply (case-insensitive; the first line is the greeting).
Extensions parse_ehlo(const Reply& reply);

}  // namespace wire::smtp
