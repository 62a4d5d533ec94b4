#include "wire/mail/message.hpp"

#include <fmt/format.h>

#include "wire/json/utf8.hpp"
#include "wire/mail/address.hpp"
#include "wire/mail/encoding.hpp"

namespace wire::mail {

namespace {

// RFC 5322 2.1.1: lines SHOULD stay within 78 characters and MUST within 998.
constexpr std::size_t kFoldAt = 78;
constexpr std::size_t kMaxHeaderLine = 998;

Error field_error(std::string_view field, std::string_view why) {
  return make_error(400, fmt::format("invalid {}: {}", field, why));
}

bool is_atext_or_space(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

// A display name a reader sees unchanged: bare when it is atoms and single spaces, a quoted
// string when it holds specials, RFC 2047 words when it is not ASCII (or looks like a word).
std::string format_name(std::string_view name, std::size_t used) {
  if (has_non_ascii(name) || name.find("=?") != std::string_view::npos) {
    return encode_words(name, used);
  }
  bool bare = name.front() != ' ' && name.back() != ' ' &&
              name.find("  ") == std::string_view::npos;
  for (char c : name) bare = bare && is_atext_or_space(static_cast<unsigned char>(c));
  if (bare) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

Result<std::string> format_mailbox(const Mailbox& box, std::string_view field, std::size_t used) {
  if (auto ok = check_address(box.address, field); !ok) return ok.error();
  if (box.name.empty()) return box.address;
  if (auto ok = check_header_text(box.name, field); !ok) return ok.error();
  std::string out = format_name(box.name, used);
  out += " <";
  out += box.address;
  out += '>';
  return out;
}

// The line length at the end of `s` (characters since its last CRLF).
std::size_t tail_length(std::string_view s) noexcept {
  std::size_t nl = s.rfind('\n');
  return nl == std::string_view::npos ? s.size() : s.size() - nl - 1;
}

// "Name: value" folded at whitespace near 78 columns; nullopt when some piece between spaces
// would still make a line longer than 998.
std::optional<std::string> fold_unstructured(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ':';
  std::size_t column = out.size();
  std::size_t i = 0;
  while (i <= value.size()) {
    // A piece is one whitespace character followed by what precedes the next whitespace.
    std::size_t next = value.find_first_of(" \t", i + 1);
    if (next == std::string_view::npos) next = value.size();
    std::string_view piece = value.substr(i, next - i);
    if (i == 0) {
      out += ' ';
      ++column;
    } else if (column + piece.size() > kFoldAt) {
      out += "\r\n";  // folding: the piece's own leading whitespace starts the next line
      column = 0;
    }
    out += piece;
    column += piece.size();
    if (column > kMaxHeaderLine) return std::nullopt;
    if (next >= value.size()) break;
    i = next;
  }
  return out;
}

std::string subject_header(std::string_view subject) {
  if (subject.empty()) return "Subject:";
  if (!has_non_ascii(subject) && subject.find("=?") == std::string_view::npos) {
    if (auto folded = fold_unstructured("Subject", subject)) return *std::move(folded);
  }
  return "Subject: " + encode_words(subject, 9);
}

bool valid_message_id(std::string_view id) noexcept {
  if (id.size() < 5 || id.size() > kMaxHeaderLine - 12 || id.front() != '<' || id.back() != '>') {
    return false;
  }
  std::string_view inner = id.substr(1, id.size() - 2);
  std::size_t at = inner.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == inner.size()) return false;
  for (char ch : inner) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>') return false;
  }
  return true;
}

bool is_bchar(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=?").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string derive_boundary(std::string_view message_id) {
  std::string out = "=_alt_";
  for (char c : message_id) {
    if (c == '<' || c == '>') continue;
    if (out.size() >= 70) break;
    out += is_bchar(static_cast<unsigned char>(c)) ? c : '_';
  }
  return out;
}

void append_part(std::string& out, std::string_view boundary, std::string_view type,
                 std::string_view body, BodyEncoding encoding) {
  out += "--";
  out += boundary;
  out += "\r\nContent-Type: ";
  out += type;
  out += "; charset=UTF-8\r\nContent-Transfer-Encoding: ";
  if (encoding == BodyEncoding::base64) {
    out += "base64\r\n\r\n";
    out += encode_base64(normalize_newlines(body));
  } else {
    out += "quoted-printable\r\n\r\n";
    out += encode_quoted_printable(body);
  }
  out += "\r\n";
}

}  // namespace

Result<void> check_header_text(std::string_view value, std::string_view field) {
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\r' || c == '\n') return field_error(field, "contains CR or LF");
    if ((c < 0x20 && c != '\t') || c == 0x7f) return field_error(field, "contains a control character");
  }
  if (!json::is_valid_utf8(value)) return field_error(field, "not valid UTF-8");
  return {};
}

Result<std::string> make_message_id(std::string_view token, std::string_view domain) {
  if (token.empty() || token.size() > 64) return field_error("message_id", "bad token length");
  for (char ch : token) {
    auto c = static_cast<unsigned char>(ch);
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return field_error("message_id", "token character not allowed");
  }
  std::string probe = fmt::format("x@{}", domain);
  if (const char* why = address_problem(probe)) {
    return field_error("message_id", fmt::format("domain {}", why));
  }
  return fmt::format("<{}@{}>", token, domain);
}

std::string format_date(std::int64_t unix_seconds) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t days = unix_seconds / 86400;
  std::int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  std::int64_t weekday = ((days % 7) + 7) % 7;  // 1970-01-01 was a Thursday
  // Howard Hinnant's civil_from_days.
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[weekday], day,
                     kMonths[month - 1], year, secs / 3600, secs / 60 % 60, secs % 60);
}

Result<std::string> compose(const Message& m) {
  std::string out;
  out.reserve(1024 + m.text.size() * 2 + m.html.size() * 2);

  if (m.date.empty()) return field_error("date", "empty");
  if (auto ok = check_header_text(m.date, "date"); !ok) return ok.error();
  if (has_non_ascii(m.date)) return field_error("date", "contains a non-ASCII character");
  out += "Date: ";
  out += m.date;
  out += "\r\n";

  auto from = format_mailbox(m.from, "from", 6);
  if (!from) return from.error();
  out += "From: ";
  out += *from;
  out += "\r\n";

  if (m.reply_to) {
    auto reply_to = format_mailbox(*m.reply_to, "reply_to", 10);
    if (!reply_to) return reply_to.error();
    out += "Reply-To: ";
    out += *reply_to;
    out += "\r\n";
  }

  if (m.to.empty()) return field_error("to", "no recipient");
  std::string to = "To:";
  for (std::size_t i = 0; i < m.to.size(); ++i) {
    auto box = format_mailbox(m.to[i], "to", tail_length(to) + 1);
    if (!box) return box.error();
    if (i > 0) to += ',';
    // One recipient per line once the list outgrows a line.
    if (i > 0 && tail_length(to) + 1 + box->size() > kFoldAt) to += "\r\n";
    to += ' ';
    to += *box;
  }
  out += to;
  out += "\r\n";

  if (auto ok = check_header_text(m.subject, "subject"); !ok) return ok.error();
  out += subject_header(m.subject);
  out += "\r\n";

  if (auto ok = check_header_text(m.message_id, "message_id"); !ok) return ok.error();
  if (!valid_message_id(m.message_id)) return field_error("message_id", "not <left@right>");
  out += "Message-ID: ";
  out += m.message_id;
  out += "\r\n";

  std::string boundary = m.boundary.empty() ? derive_boundary(m.message_id) : m.boundary;
  if (boundary.empty() || boundary.size() > 70) return field_error("boundary", "bad length");
  for (char c : boundary) {
    if (!is_bchar(static_cast<unsigned char>(c))) return field_error("boundary", "bad character");
  }
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"";
  out += boundary;
  out += "\"\r\n\r\n";

  append_part(out, boundary, "text/plain", m.text, m.encoding);
  append_part(out, boundary, "text/html", m.html, m.encoding);
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

}  // namespace wire::mail
