#pragma once
/// @file
/// MIME composition of the one kind of mail the system sends: multipart/alternative with a
/// text/plain and a text/html part, RFC 5322 headers, CRLF line ends throughout.
///
/// Pure: the caller supplies the date and the random part of the Message-ID. Header values
/// are checked, never cleaned: a CR or LF in any of them is an error (400 naming the field),
/// so no header or SMTP command can be injected. Bodies are quoted-printable (or base64),
/// 7-bit, lines of at most 76 characters. The output is NOT dot-stuffed: the SMTP client
/// (wire::smtp::data_payload) dot-stuffs the DATA itself; doing it here too would double dots.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/result.hpp"

namespace wire::mail {

/// An address with an optional display name (UTF-8; encoded as RFC 2047 words when non-ASCII).
struct Mailbox {
  std::string address;
  std::string name;
};

enum class BodyEncoding { quoted_printable, base64 };

struct Message {
  Mailbox from;
  std::vector<Mailbox> to;  ///< at least one
  std::optional<Mailbox> reply_to;
  std::string subject;  ///< UTF-8; may be empty
  std::string date;     ///< RFC 5322 date-time, e.g. from format_date()
  std::string message_id;  ///< "<left@right>", e.g. from make_message_id()
  std::string text;  ///< the text/plain part; any line breaks, written as CRLF
  std::string html;  ///< the text/html part
  BodyEncoding encoding = BodyEncoding::quoted_printable;
  /// The multipart boundary; empty: derived from message_id. One starting with "=_" can never
  /// occur in quoted-printable or base64 text, which is why the derived one does.
  std::string boundary;
};

/// The whole message, headers and body, ready for SMTP DATA (before dot-stuffing).
/// Errors (code 400, message naming the field: from, to, reply_to, subject, date, message_id):
/// an invalid address, a CR or LF or other control character in a header value, a name or
/// subject that is not UTF-8, no recipient, a malformed Message-ID or boundary.
Result<std::string> compose(const Message& message);

/// "<token@domain>": `token` is the caller's random part (letters, digits and `.-_` only,
/// 1 to 64 characters), `domain` the sending domain (MAIL_DOMAIN). Error 400 naming message_id.
Result<std::string> make_message_id(std::string_view token, std::string_view domain);

/// RFC 5322 date-time of a unix time in UTC: format_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000".
std::string format_date(std::int64_t unix_seconds);

/// Checks one unstructured header value: no CR or LF, no other control character but tab,
/// valid UTF-8. Error 400 "invalid <field>: <why>".
Result<void> check_header_text(std::string_view value, std::string_view field);

}  // namespace wire::mail
