#pragma once
/// @file
/// A small CSS inliner for mail templates, run once when a template is loaded (what the Go
/// system did per message with premailer): mail clients drop `<style>` blocks, but keep
/// `style` attributes.
///
/// Supported selectors: an element (`p`), a class (`.note`), an id (`#footer`), `*`, compounds
/// of those (`p.note`, `td#cell.wide`) and comma lists of them. Each rule's declarations go
/// into the `style` attribute of every matching start tag, merged per property in cascade
/// order: element < class < id (then source order) < the tag's existing inline style;
/// `!important` stylesheet declarations beat inline ones that are not. Rules it cannot inline
/// (descendant or child combinators, pseudo-classes, attribute selectors, @media and other
/// at-rules) are kept, in source order, in one `<style>` block where the first one was; when
/// none remain every `<style>` block is removed.
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace wire::mail {

/// `html` with its `<style>` rules inlined. Error (code 500, for a start-up message): a
/// `<style>` block without its end tag, or a rule with unbalanced braces.
Result<std::string> inline_css(std::string_view html);

}  // namespace wire::mail
