// Mail: the address check, the mailbox parser, the header-text check and MIME composition of
// fuzzed fields. What compose() accepts must be 7-bit, CRLF-only, lines of at most 998
// characters (RFC 5322), and carry no header a field could have injected.
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_input.hpp"
#include "wire/mail/address.hpp"
#include "wire/mail/encoding.hpp"
#include "wire/mail/message.hpp"

namespace {

void check_message(std::string_view m) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const auto c = static_cast<unsigned char>(m[i]);
    fuzz::check(c < 0x80, "7-bit");
    fuzz::check(c != 0, "no NUL");
    if (c == '\r') {
      fuzz::check(i + 1 < m.size() && m[i + 1] == '\n', "CR only before LF");
      line = 0;
      ++i;
      continue;
    }
    fuzz::check(c != '\n', "LF only after CR");
    fuzz::check(++line <= 998, "lines of at most 998 characters");
  }
  // The header block ends at the first empty line; every line in it is a header or a fold.
  const std::size_t end = m.find("\r\n\r\n");
  fuzz::check(end != std::string_view::npos, "a header block");
  std::string_view head = m.substr(0, end + 2);
  while (!head.empty()) {
    const std::size_t eol = head.find("\r\n");
    const std::string_view l = head.substr(0, eol);
    fuzz::check(!l.empty(), "no empty line in the header block");
    if (l[0] != ' ' && l[0] != '\t') {
      const std::size_t colon = l.find(':');
      fuzz::check(colon != std::string_view::npos && colon > 0, "a header line has a name");
      const std::string_view name = l.substr(0, colon);
      static constexpr std::string_view kNames[] = {
          "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
          "Content-Type"};
      bool known = false;
      for (std::string_view k : kNames) known = known || k == name;
      fuzz::check(known, "only the headers compose() writes");
    }
    head.remove_prefix(eol + 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::string_view from = in.field();
  const std::string_view to = in.field();
  const std::string_view subject = in.field();
  const std::string_view text = in.field();
  const std::string_view html = in.rest();

  const bool valid = wire::mail::is_valid_address(from);
  fuzz::check(!valid || from.size() <= wire::mail::kMaxAddress, "a valid address is short");
  auto parsed = wire::mail::parse_mailbox(to, "to");
  if (parsed) {
    fuzz::check(wire::mail::is_valid_address(parsed->address), "a parsed mailbox is valid");
  } else {
    fuzz::check(parsed.error().code == 400, "a bad mailbox is a 400");
  }
  (void)wire::mail::check_header_text(subject, "subject");

  const std::string qp = wire::mail::encode_quoted_printable(text);
  fuzz::check(wire::mail::decode_quoted_printable(qp) == wire::mail::normalize_newlines(text),
              "quoted-printable round trip");
  const auto b64 = wire::mail::decode_base64(wire::mail::encode_base64(text));
  fuzz::check(b64 && *b64 == text, "base64 round trip");

  wire::mail::Message m;
  m.from = {std::string(from), parsed ? parsed->name : std::string()};
  m.to.push_back({parsed ? parsed->address : std::string(to), std::string()});
  if (flags & 1) m.reply_to = wire::mail::Mailbox{std::string(to), std::string(subject)};
  m.subject = std::string(subject);
  m.date = wire::mail::format_date(1700000000);
  m.message_id = "<token@example.com>";
  m.text = std::string(text);
  m.html = std::string(html);
  m.encoding = (flags & 2) ? wire::mail::BodyEncoding::base64
                           : wire::mail::BodyEncoding::quoted_printable;
  auto out = wire::mail::compose(m);
  if (!out) {
    fuzz::check(out.error().code == 400, "a refused mail is a 400");
    return 0;
  }
  check_message(*out);
  return 0;
}
