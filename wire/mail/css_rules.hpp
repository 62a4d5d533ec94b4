#pragma once
// The stylesheet half of the CSS inliner (css_inline.hpp): rules and declarations parsed from
// a <style> block. Internal to wire/mail.
#include <string>
#include <string_view>
#include <vector>

#include "wire/result.hpp"

namespace wire::mail::css {

struct Declaration {
  std::string property;  // lower case
  std::string value;
  bool important = false;
};

struct Rule {
  std::string tag;  // lower case; empty or "*" matches any element
  std::vector<std::string> classes;
  std::vector<std::string> ids;
  int specificity = 0;  // ids, classes, elements as base-100 digits
  std::vector<Declaration> declarations;
};

/// `prop: value [!important]` pieces of a declaration block (or a style attribute).
std::vector<Declaration> parse_declarations(std::string_view block);

/// Adds the inlinable rules of `text` to `rules` and the rest, as written, to `residual`.
/// Error 500 on unbalanced braces or text after the last rule.
Result<void> parse_stylesheet(std::string_view text, std::vector<Rule>& rules,
                              std::string& residual);

inline bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
inline char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
/// Letters, digits, '-', '_' and non-ASCII bytes: CSS identifiers and HTML tag names.
inline bool is_ident_char(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || u >= 0x80;
}
std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s) noexcept;

}  // namespace wire::mail::css
