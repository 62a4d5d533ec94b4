#pragma once
/// @file
/// The client's side of SMTP as bytes: commands (each ending in CRLF), the AUTH exchanges,
/// and the DATA payload with its dot-stuffing (RFC 5321 4.5.2).
#include <cstddef>
#include <string>
#include <string_view>

namespace wire::smtp {

/// "EHLO domain\r\n".
std::string ehlo(std::string_view domain);
/// "MAIL FROM:<address>\r\n", with " SIZE=n" when the relay announced SIZE (n > 0).
std::string mail_from(std::string_view address, std::size_t size = 0);
/// "RCPT TO:<address>\r\n".
std::string rcpt_to(std::string_view address);

/// "AUTH PLAIN <base64(\0user\0password)>\r\n" (RFC 4616, initial response).
std::string auth_plain(std::string_view user, std::string_view password);
/// One line of the AUTH LOGIN exchange: base64(text) + CRLF (user, then password).
std::string auth_login_line(std::string_view text);

/// The DATA payload for `message` (headers + body): every line break written as CRLF (CRLF,
/// a bare LF and a bare CR alike), a line that starts with "." gets one more (done here
/// exactly once: the message itself must not be stuffed), a last line without its CRLF gets
/// one, then the ".\r\n" that ends the data.
std::string data_payload(std::string_view message);
/// The size data_payload(message) will have, without building it.
std::size_t data_payload_size(std::string_view message) noexcept;

}  // namespace wire::smtp
