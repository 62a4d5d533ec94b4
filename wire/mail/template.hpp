#pragma once
/// @file
/// The minimal template fill the mail templates need: `{{.Name}}` placeholders (Go
/// text/template spelling, spaces inside the braces allowed) replaced by values, HTML-escaped
/// for the HTML part and as they are for the plain-text part. No conditionals, no loops.
#include <span>
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace wire::mail {

struct TemplateValue {
  std::string_view name;  ///< without the dot: "Message" fills {{.Message}}
  std::string_view value;
};

enum class Escaping { none, html };

/// `tpl` with every placeholder replaced. Error (code 500, naming it): a placeholder with no
/// value, or a `{{` that does not open a well-formed placeholder. Fill once with empty values
/// when loading a template to find such mistakes at start-up.
Result<std::string> fill_template(std::string_view tpl, std::span<const TemplateValue> values,
                                  Escaping escaping);

/// `& < > " '` as entities: text safe in HTML content and in quoted attribute values.
std::string escape_html(std::string_view text);

}  // namespace wire::mail
