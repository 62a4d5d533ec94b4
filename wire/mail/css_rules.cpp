#include "wire/mail/css_rules.hpp"

namespace wire::mail::css {

namespace {

// Splits at `sep` where it is outside quotes and parentheses.
std::vector<std::string_view> split_top_level(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  char quote = 0;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth > 0) --depth;
    } else if (c == sep && depth == 0) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

// A compound selector of element, classes and ids; false for anything else.
bool parse_selector(std::string_view text, Rule& rule) {
  std::string_view s = trim(text);
  if (s.empty()) return false;
  std::size_t i = 0;
  int elements = 0;
  if (s[0] == '*') {
    rule.tag = "*";
    i = 1;
  } else if (is_ident_char(s[0])) {
    while (i < s.size() && is_ident_char(s[i])) ++i;
    rule.tag = to_lower(s.substr(0, i));
    elements = 1;
  }
  while (i < s.size()) {
    char kind = s[i];
    if (kind != '.' && kind != '#') return false;
    std::size_t start = ++i;
    while (i < s.size() && is_ident_char(s[i])) ++i;
    if (i == start) return false;
    (kind == '.' ? rule.classes : rule.ids).emplace_back(s.substr(start, i - start));
  }
  rule.specificity = static_cast<int>(rule.ids.size()) * 10000 +
                     static_cast<int>(rule.classes.size()) * 100 + elements;
  return true;
}

std::string strip_comments(std::string_view css) {
  std::string out;
  std::size_t i = 0;
  while (i < css.size()) {
    std::size_t open = css.find("/*", i);
    if (open == std::string_view::npos) break;
    out.append(css.substr(i, open - i));
    std::size_t close = css.find("*/", open + 2);
    i = close == std::string_view::npos ? css.size() : close + 2;
    out += ' ';
  }
  if (i < css.size()) out.append(css.substr(i));
  return out;
}

// Index of the '}' closing the block whose '{' is at `open`, or npos.
std::size_t matching_brace(std::string_view s, std::size_t open) noexcept {
  int depth = 0;
  char quote = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

Error css_error(std::string_view what) {
  return make_error(500, "inline_css: " + std::string(what));
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<Declaration> parse_declarations(std::string_view block) {
  std::vector<Declaration> out;
  for (std::string_view part : split_top_level(block, ';')) {
    std::size_t colon = part.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view property = trim(part.substr(0, colon));
    std::string_view value = trim(part.substr(colon + 1));
    if (property.empty() || value.empty()) continue;
    Declaration d{to_lower(property), {}, false};
    std::size_t bang = value.rfind('!');
    if (bang != std::string_view::npos && to_lower(trim(value.substr(bang + 1))) == "important") {
      d.important = true;
      value = trim(value.substr(0, bang));
    }
    d.value = std::string(value);
    out.push_back(std::move(d));
  }
  return out;
}

Result<void> parse_stylesheet(std::string_view text, std::vector<Rule>& rules,
                              std::string& residual) {
  std::string css = strip_comments(text);
  std::string_view s = css;
  std::size_t i = 0;
  auto keep = [&residual](std::string_view rule) {
    if (!residual.empty()) residual += '\n';
    residual.append(trim(rule));
  };
  while (i < s.size()) {
    if (is_space(s[i])) {
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0 || s.compare(i, 3, "-->") == 0) {  // old CDO/CDC hiding
      i += s[i] == '<' ? 4 : 3;
      continue;
    }
    std::size_t open = s.find('{', i);
    if (s[i] == '@') {
      std::size_t semi = s.find(';', i);
      if (semi != std::string_view::npos && (open == std::string_view::npos || semi < open)) {
        keep(s.substr(i, semi + 1 - i));  // @import, @charset
        i = semi + 1;
        continue;
      }
    }
    if (open == std::string_view::npos) return css_error("text after the last rule");
    std::size_t close = matching_brace(s, open);
    if (close == std::string_view::npos) return css_error("unbalanced braces");
    std::string_view prelude = trim(s.substr(i, open - i));
    std::string_view body = s.substr(open + 1, close - open - 1);
    if (prelude.empty() || prelude.find('}') != std::string_view::npos) {
      return css_error("unbalanced braces");
    }
    if (prelude[0] == '@') {
      keep(s.substr(i, close + 1 - i));  // @media, @font-face: whole block, as written
    } else {
      std::vector<Declaration> declarations = parse_declarations(body);
      std::string unsupported;
      for (std::string_view selector : split_top_level(prelude, ',')) {
        Rule rule;
        if (parse_selector(selector, rule)) {
          rule.declarations = declarations;
          rules.push_back(std::move(rule));
        } else {
          if (!unsupported.empty()) unsupported += ", ";
          unsupported.append(trim(selector));
        }
      }
      if (!unsupported.empty()) keep(unsupported + " {" + std::string(body) + "}");
    }
    i = close + 1;
  }
  return {};
}

}  // namespace wire::mail::css
