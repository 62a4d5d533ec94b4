#include "wire/mail/address.hpp"

#include <string>

#include "wire/http/headers.hpp"

namespace wire::mail {

namespace {

bool is_alnum(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext.
bool is_atext(unsigned char c) noexcept {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '/': case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

const char* local_problem(std::string_view local) noexcept {
  if (local.empty()) return "empty local part";
  if (local.size() > kMaxLocalPart) return "local part longer than 64 characters";
  if (local.front() == '.' || local.back() == '.') return "local part starts or ends with a dot";
  for (std::size_t i = 0; i < local.size(); ++i) {
    auto c = static_cast<unsigned char>(local[i]);
    if (c == '.') {
      if (local[i + 1] == '.') return "two dots in a row";
      continue;
    }
    if (!is_atext(c)) return "character not allowed in the local part";
  }
  return nullptr;
}

const char* domain_problem(std::string_view domain) noexcept {
  if (domain.empty()) return "empty domain";
  if (domain.size() > kMaxDomain) return "domain longer than 253 characters";
  bool dotted = domain.find('.') != std::string_view::npos;
  if (!dotted && !wire::http::iequals(domain, "localhost")) return "domain without a dot";
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty()) return "empty domain label";
    if (label.size() > 63) return "domain label longer than 63 characters";
    if (label.front() == '-' || label.back() == '-') return "domain label starts or ends with '-'";
    for (char ch : label) {
      auto c = static_cast<unsigned char>(ch);
      if (!is_alnum(c) && c != '-') return "character not allowed in the domain";
    }
    start = end + 1;
  }
  return nullptr;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error invalid(std::string_view field, std::string_view why) {
  std::string message = "invalid ";
  message.append(field).append(" address: ").append(why);
  return Error{400, std::move(message)};
}

// The display name before "<addr>": a quoted string (backslash escapes) or plain words; the
// error's message says why not.
Result<std::string> display_name(std::string_view raw) {
  if (raw.empty() || raw.front() != '"') {
    for (char ch : raw) {
      if (ch == '"' || ch == '<' || ch == '>') return make_error(400, "unquoted display name with '\"', '<' or '>'");
    }
    return std::string(raw);
  }
  if (raw.size() < 2 || raw.back() != '"') return make_error(400, "unterminated quoted display name");
  std::string name;
  for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\') {
      if (i + 2 >= raw.size()) return make_error(400, "display name ends with a backslash");
      c = raw[++i];
    } else if (c == '"') {
      return make_error(400, "stray '\"' in the display name");
    }
    name.push_back(c);
  }
  return name;
}

}  // namespace

const char* address_problem(std::string_view address) noexcept {
  if (address.empty()) return "empty";
  if (address.size() > kMaxAddress) return "longer than 254 characters";
  for (char ch : address) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\r' || c == '\n') return "contains CR or LF";
    if (c == ' ' || c == '\t') return "contains a space";
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c == '<' || c == '>') return "contains an angle bracket";
    if (c >= 0x80) return "contains a non-ASCII character";
  }
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return "missing @";
  if (address.find('@') != at) return "more than one @";
  if (const char* p = local_problem(address.substr(0, at))) return p;
  return domain_problem(address.substr(at + 1));
}

Result<void> check_address(std::string_view address, std::string_view field) {
  const char* problem = address_problem(address);
  if (problem == nullptr) return {};
  return invalid(field, problem);
}

Result<ParsedMailbox> parse_mailbox(std::string_view text, std::string_view field) {
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\r' || c == '\n') return invalid(field, "contains CR or LF");
    if ((c < 0x20 && c != '\t') || c == 0x7f) return invalid(field, "contains a control character");
  }
  text = trim(text);
  if (text.empty() || text.back() != '>') {
    if (auto r = check_address(text, field); !r) return r.error();
    return ParsedMailbox{std::string(text), {}};
  }
  std::size_t open = text.rfind('<');
  if (open == std::string_view::npos) return invalid(field, "'>' without '<'");
  std::string_view address = text.substr(open + 1, text.size() - open - 2);
  if (auto r = check_address(address, field); !r) return r.error();
  auto name = display_name(trim(text.substr(0, open)));
  if (!name) return invalid(field, name.error().message);
  return ParsedMailbox{std::string(address), std::move(name).value()};
}

}  // namespace wire::mail
