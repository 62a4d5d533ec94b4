#include "wire/smtp/commands.hpp"

#include "wire/mail/encoding.hpp"

namespace wire::smtp {

std::string ehlo(std::string_view domain) {
  std::string out = "EHLO ";
  out += domain;
  out += "\r\n";
  return out;
}

std::string mail_from(std::string_view address, std::size_t size) {
  std::string out = "MAIL FROM:<";
  out += address;
  out += '>';
  if (size > 0) {
    out += " SIZE=";
    out += std::to_string(size);
  }
  out += "\r\n";
  return out;
}

std::string rcpt_to(std::string_view address) {
  std::string out = "RCPT TO:<";
  out += address;
  out += ">\r\n";
  return out;
}

std::string auth_plain(std::string_view user, std::string_view password) {
  std::string raw;
  raw.reserve(user.size() + password.size() + 2);
  raw += '\0';
  raw += user;
  raw += '\0';
  raw += password;
  return "AUTH PLAIN " + wire::mail::encode_base64_flat(raw) + "\r\n";
}

std::string auth_login_line(std::string_view text) {
  return wire::mail::encode_base64_flat(text) + "\r\n";
}

namespace {

// Walks the message line by line and hands `out` the pieces of the payload; both
// data_payload and data_payload_size use it, so the size is always the real one.
template <class Out>
void walk(std::string_view m, Out&& out) {
  std::size_t i = 0;  // always at the start of a line
  while (i < m.size()) {
    if (m[i] == '.') out(std::string_view("."));
    std::size_t brk = m.find_first_of("\r\n", i);
    if (brk == std::string_view::npos) {
      out(m.substr(i));
      out(std::string_view("\r\n"));
      break;
    }
    out(m.substr(i, brk - i));
    out(std::string_view("\r\n"));
    i = brk + ((m[brk] == '\r' && brk + 1 < m.size() && m[brk + 1] == '\n') ? 2 : 1);
  }
  out(std::string_view(".\r\n"));
}

}  // namespace

std::string data_payload(std::string_view message) {
  std::string out;
  out.reserve(data_payload_size(message));
  walk(message, [&](std::string_view piece) { out += piece; });
  return out;
}

std::size_t data_payload_size(std::string_view message) noexcept {
  std::size_t n = 0;
  walk(message, [&](std::string_view piece) { n += piece.size(); });
  return n;
}

}  // namespace wire::smtp
