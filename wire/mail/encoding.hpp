#pragma once
/// @file
/// Transfer encodings for mail: quoted-printable and base64 bodies (RFC 2045, lines of at most
/// 76 characters, CRLF line ends) and RFC 2047 encoded-words for non-ASCII header text.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wire::mail {

/// Longest encoded body line, CRLF excluded (RFC 2045 6.7 and 6.8).
inline constexpr std::size_t kMaxEncodedLine = 76;

/// `text` with every line break (CRLF, a lone LF, a lone CR) written as CRLF.
std::string normalize_newlines(std::string_view text);

/// Quoted-printable of `text`, whose line breaks (any of CRLF, LF, CR) become hard CRLF breaks.
/// Printable ASCII but `=` passes through; space and tab too, except at a line end; every other
/// byte becomes =XX. Long lines get soft breaks (`=` CRLF) so that no line exceeds 76
/// characters, and an =XX triple is never split. The result is 7-bit and does not end with a
/// line break unless `text` does. No dot-stuffing: the SMTP client does that.
std::string encode_quoted_printable(std::string_view text);

/// The bytes quoted-printable text stands for (soft breaks removed, =XX decoded; an invalid
/// escape is kept as it is, as RFC 2045 suggests). For tests and tools.
std::string decode_quoted_printable(std::string_view encoded);

/// Base64 of `data` in lines of 76 characters separated by CRLF (no trailing CRLF).
std::string encode_base64(std::string_view data);

/// Base64 without line breaks (the encoded-word payload).
std::string encode_base64_flat(std::string_view data);

/// Decodes base64, ignoring CR, LF and spaces; nullopt on any other invalid input.
std::optional<std::string> decode_base64(std::string_view encoded);

/// `text` as RFC 2047 encoded-words, `=?UTF-8?B?...?=`, each at most 75 characters and never
/// splitting a UTF-8 sequence, joined by folding whitespace (CRLF SP). `first_line_used` is how
/// many characters the header line already holds before the first word, so that it can be
/// made shorter and the line kept within 76. `text` must be valid UTF-8.
std::string encode_words(std::string_view text, std::size_t first_line_used = 0);

/// True when `text` has a byte outside 7-bit ASCII.
bool has_non_ascii(std::string_view text) noexcept;

}  // namespace wire::mail
