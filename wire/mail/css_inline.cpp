#include "wire/mail/css_inline.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "wire/mail/css_rules.hpp"

namespace wire::mail {

namespace {

using css::Declaration;
using css::Rule;
using css::is_ident_char;
using css::is_space;
using css::lower;
using css::to_lower;

struct Attribute {
  std::string name;       // lower case
  std::string_view raw;   // the value as written, entities undecoded, quotes removed
  std::size_t begin = 0;  // the whole `name="value"` within the tag text
  std::size_t end = 0;
};

struct Tag {
  std::string name;  // lower case
  std::vector<Attribute> attributes;
  std::size_t end = 0;        // one past '>' in the document
  std::size_t insert_at = 0;  // where a new attribute goes, relative to the tag start
};

bool starts_with_ci(std::string_view s, std::size_t at, std::string_view prefix) noexcept {
  if (s.size() - std::min(at, s.size()) < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

std::size_t find_ci(std::string_view s, std::string_view needle, std::size_t from) noexcept {
  for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (starts_with_ci(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

// The few entities a style, class or id attribute realistically holds.
std::string decode_entities(std::string_view s) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&quot;", '"'}, {"&#34;", '"'}, {"&#39;", '\''}, {"&apos;", '\''},
      {"&lt;", '<'},   {"&gt;", '>'},  {"&amp;", '&'}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool done = false;
    if (s[i] == '&') {
      for (const auto& [name, c] : kEntities) {
        if (s.compare(i, name.size(), name) == 0) {
          out += c;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
    }
    if (!done) out += s[i];
  }
  return out;
}

std::string escape_attribute(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else if (c == '<') out += "&lt;";  // markup-looking text stays text in any reader
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

Error html_error(std::string_view what) {
  return make_error(500, "inline_css: " + std::string(what));
}

// Parses the start tag at `lt` (html[lt] == '<', a letter next); nullopt if it never closes.
std::optional<Tag> parse_tag(std::string_view html, std::size_t lt) {
  Tag tag;
  std::size_t i = lt + 1;
  while (i < html.size() && (is_ident_char(html[i]) || html[i] == ':')) ++i;
  tag.name = to_lower(html.substr(lt + 1, i - lt - 1));
  for (;;) {
    std::size_t before_space = i;
    while (i < html.size() && is_space(html[i])) ++i;
    if (i >= html.size()) return std::nullopt;
    if (html[i] == '>' || (html[i] == '/' && i + 1 < html.size() && html[i + 1] == '>')) {
      tag.insert_at = before_space - lt;
      tag.end = html.find('>', i) + 1;
      return tag;
    }
    if (html[i] == '/') {
      ++i;
      continue;
    }
    Attribute attr;
    attr.begin = i - lt;
    std::size_t name_start = i;
    while (i < html.size() && !is_space(html[i]) && html[i] != '=' && html[i] != '>' &&
           html[i] != '/') {
      ++i;
    }
    attr.name = to_lower(html.substr(name_start, i - name_start));
    std::size_t after_name = i;
    while (i < html.size() && is_space(html[i])) ++i;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && is_space(html[i])) ++i;
      if (i >= html.size()) return std::nullopt;
      if (html[i] == '"' || html[i] == '\'') {
        std::size_t close = html.find(html[i], i + 1);
        if (close == std::string_view::npos) return std::nullopt;
        attr.raw = html.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        std::size_t start = i;
        while (i < html.size() && !is_space(html[i]) && html[i] != '>') ++i;
        attr.raw = html.substr(start, i - start);
      }
    } else {
      i = after_name;
    }
    attr.end = i - lt;
    if (attr.name.empty()) ++i;  // stray character: skip it
    else tag.attributes.push_back(std::move(attr));
  }
}

bool has_word(std::string_view list, std::string_view word) {
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && is_space(list[i])) ++i;
    std::size_t start = i;
    while (i < list.size() && !is_space(list[i])) ++i;
    if (i > start && list.substr(start, i - start) == word) return true;
  }
  return false;
}

class Inliner {
 public:
  explicit Inliner(std::string_view html) : html_(html) {}

  Result<std::string> run() {
    // First pass gathers every <style> block (a rule applies to tags before it too).
    if (auto ok = walk(nullptr); !ok) return ok.error();
    std::string out;
    out.reserve(html_.size() + html_.size() / 2);
    if (auto ok = walk(&out); !ok) return ok.error();
    return out;
  }

 private:
  // Copies the document into out (when not null), rewriting start tags and <style> blocks.
  Result<void> walk(std::string* out) {
    std::size_t i = 0;
    bool first_style = true;
    auto copy = [out](std::string_view s) {
      if (out) out->append(s);
    };
    while (i < html_.size()) {
      std::size_t lt = html_.find('<', i);
      if (lt == std::string_view::npos) break;
      copy(html_.substr(i, lt - i));
      std::size_t end;
      if (html_.compare(lt, 4, "<!--") == 0) {
        std::size_t close = html_.find("-->", lt + 4);
        end = close == std::string_view::npos ? html_.size() : close + 3;
      } else if (lt + 1 < html_.size() && (html_[lt + 1] == '!' || html_[lt + 1] == '?' ||
                                           html_[lt + 1] == '/')) {
        std::size_t close = html_.find('>', lt);
        end = close == std::string_view::npos ? html_.size() : close + 1;
      } else if (lt + 1 < html_.size() && is_ident_char(html_[lt + 1])) {
        std::optional<Tag> tag = parse_tag(html_, lt);
        if (!tag) break;  // an unterminated tag: the rest is copied as it is
        if (tag->name == "style" || tag->name == "script") {
          std::string close_tag = "</" + tag->name;
          std::size_t close = find_ci(html_, close_tag, tag->end);
          std::size_t close_end = close == std::string_view::npos ? close
                                                                  : html_.find('>', close);
          if (close_end == std::string_view::npos) {
            return html_error("<" + tag->name + "> without its end tag");
          }
          end = close_end + 1;
          if (tag->name == "script") {
            copy(html_.substr(lt, end - lt));
          } else if (!out) {
            auto ok = css::parse_stylesheet(html_.substr(tag->end, close - tag->end), rules_, residual_);
            if (!ok) return ok;
          } else if (first_style && !residual_.empty()) {
            *out += "<style type=\"text/css\">\n";
            *out += residual_;
            *out += "\n</style>";
          }
          if (tag->name == "style") first_style = false;
          i = end;
          continue;
        }
        end = tag->end;
        if (out) rewrite(*out, html_.substr(lt, end - lt), *tag);
        i = end;
        continue;
      } else {
        end = lt + 1;  // a lone '<' in text
      }
      copy(html_.substr(lt, end - lt));
      i = end;
    }
    if (i < html_.size()) copy(html_.substr(i));
    return {};
  }

  void rewrite(std::string& out, std::string_view text, const Tag& tag) {
    std::string classes, id;
    const Attribute* style = nullptr;
    for (const Attribute& a : tag.attributes) {
      if (a.name == "class") classes = decode_entities(a.raw);
      else if (a.name == "id") id = decode_entities(a.raw);
      else if (a.name == "style" && !style) style = &a;
    }
    std::vector<const Rule*> matched;
    for (const Rule& r : rules_) {
      if (!r.tag.empty() && r.tag != "*" && r.tag != tag.name) continue;
      bool ok = std::all_of(r.ids.begin(), r.ids.end(), [&](const std::string& x) { return x == id; });
      ok = ok && std::all_of(r.classes.begin(), r.classes.end(),
                             [&](const std::string& c) { return has_word(classes, c); });
      if (ok) matched.push_back(&r);
    }
    if (matched.empty()) {
      out.append(text);
      return;
    }
    std::stable_sort(matched.begin(), matched.end(),
                     [](const Rule* a, const Rule* b) { return a->specificity < b->specificity; });
    std::vector<Declaration> inline_decls;
    if (style) inline_decls = css::parse_declarations(decode_entities(style->raw));

    std::vector<Declaration> merged;
    auto put = [&merged](const Declaration& d) {
      for (Declaration& m : merged) {
        if (m.property == d.property) {
          m = d;
          return;
        }
      }
      merged.push_back(d);
    };
    // The cascade, lowest first: normal rules by specificity, the tag's own style, then the
    // !important rules, then the tag's own !important declarations.
    for (bool important : {false, true}) {
      for (const Rule* r : matched) {
        for (const Declaration& d : r->declarations) {
          if (d.important == important) put(d);
        }
      }
      for (const Declaration& d : inline_decls) {
        if (d.important == important) put(d);
      }
    }
    std::string value;
    for (const Declaration& d : merged) {
      if (!value.empty()) value += "; ";
      value += d.property;
      value += ": ";
      value += d.value;
      if (d.important) value += " !important";
    }
    std::string attribute = "style=\"" + escape_attribute(value) + "\"";
    if (style) {
      out.append(text.substr(0, style->begin));
      out += attribute;
      out.append(text.substr(style->end));
    } else {
      out.append(text.substr(0, tag.insert_at));
      out += ' ';
      out += attribute;
      out.append(text.substr(tag.insert_at));
    }
  }

  std::string_view html_;
  std::vector<Rule> rules_;
  std::string residual_;
};

}  // namespace

Result<std::string> inline_css(std::string_view html) { return Inliner(html).run(); }

}  // namespace wire::mail
