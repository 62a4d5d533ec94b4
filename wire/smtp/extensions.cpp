#include "wire/smtp/extensions.hpp"

#include <charconv>
#include <string_view>

#include "wire/http/headers.hpp"

namespace wire::smtp {

namespace {

std::string_view next_word(std::string_view& rest) {
  std::size_t start = rest.find_first_not_of(" \t=");
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  std::size_t end = rest.find_first_of(" \t=");
  std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return word;
}

}  // namespace

Extensions parse_ehlo(const Reply& reply) {
  using wire::http::iequals;
  Extensions e;
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    std::string_view rest = reply.lines[i];
    std::string_view keyword = next_word(rest);
    if (iequals(keyword, "PIPELINING")) {
      e.pipelining = true;
    } else if (iequals(keyword, "STARTTLS")) {
      e.starttls = true;
    } else if (iequals(keyword, "8BITMIME")) {
      e.eight_bit_mime = true;
    } else if (iequals(keyword, "SIZE")) {
      std::string_view n = next_word(rest);
      std::size_t limit = 0;
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), limit);
      e.size = (ec == std::errc() && end == n.data() + n.size()) ? limit : 0;
    } else if (iequals(keyword, "AUTH")) {  // also the old "AUTH=LOGIN PLAIN" form
      for (std::string_view m = next_word(rest); !m.empty(); m = next_word(rest)) {
        if (iequals(m, "PLAIN")) e.auth_plain = true;
        if (iequals(m, "LOGIN")) e.auth_login = true;
      }
    }
  }
  return e;
}

}  // namespace wire::smtp
