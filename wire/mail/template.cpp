#include "wire/mail/template.hpp"

namespace wire::mail {

namespace {

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Result<std::string> fill_template(std::string_view tpl, std::span<const TemplateValue> values,
                                  Escaping escaping) {
  std::string out;
  out.reserve(tpl.size() + 256);
  std::size_t i = 0;
  for (;;) {
    std::size_t open = tpl.find("{{", i);
    if (open == std::string_view::npos) break;
    out.append(tpl.substr(i, open - i));
    std::size_t close = tpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return make_error(500, "template: \"{{\" without \"}}\"");
    }
    std::string_view inside = tpl.substr(open + 2, close - open - 2);
    while (!inside.empty() && inside.front() == ' ') inside.remove_prefix(1);
    while (!inside.empty() && inside.back() == ' ') inside.remove_suffix(1);
    bool well_formed = inside.size() > 1 && inside[0] == '.';
    for (std::size_t k = 1; well_formed && k < inside.size(); ++k) {
      well_formed = is_name_char(inside[k]);
    }
    if (!well_formed) {
      return make_error(500, "template: unsupported action {{" + std::string(inside) + "}}");
    }
    std::string_view name = inside.substr(1);
    const TemplateValue* found = nullptr;
    for (const TemplateValue& v : values) {
      if (v.name == name) found = &v;
    }
    if (!found) return make_error(500, "template: no value for {{." + std::string(name) + "}}");
    if (escaping == Escaping::html) out += escape_html(found->value);
    else out.append(found->value);
    i = close + 2;
  }
  out.append(tpl.substr(i));
  return out;
}

}  // namespace wire::mail
