#include "services/frontend/page.hpp"

#include <span>

#include "core/http/json_io.hpp"
#include "core/service/assets.hpp"
#include "services/frontend/cache.hpp"
#include "services/frontend/security.hpp"

std::span<const core::service::Asset> frontend_assets();  // generated from static/

namespace frontend {

namespace {

constexpr std::string_view kIndex = "index.html";

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string escape_attribute(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Page::Page(std::string broker_url) : csp_(page_policy(broker_url)) {
  const auto* index = core::service::find_asset(frontend_assets(), kIndex);
  html_ = index ? std::string(index->data) : std::string("<!doctype html><title>missing page</title>");
  replace_all(html_, "{{BROKER_URL}}", escape_attribute(broker_url));

  for (const auto& a : frontend_assets()) {
    if (a.path == kIndex) continue;
    const std::string hash = content_hash(a.data);
    const std::string etag = "\"" + hash + "\"";
    const std::string_view type = core::service::content_type_for(a.path);
    std::string name = fingerprinted(a.path, hash);
    assets_[std::string(a.path)] = Entry{a.data, type, etag, false};
    assets_[name] = Entry{a.data, type, etag, true};
    // The page names its assets as "/static/<name>"; it gets the fingerprinted name instead.
    replace_all(html_, "\"/static/" + std::string(a.path) + "\"", "\"/static/" + name + "\"");
    fingerprinted_[std::string(a.path)] = std::move(name);
  }
  index_ = Entry{html_, core::service::content_type_for(kIndex), entity_tag(html_), false};
}

std::string Page::asset_path(std::string_view name) const {
  auto it = fingerprinted_.find(name);
  return it == fingerprinted_.end() ? std::string() : "/static/" + it->second;
}

core::http::Response Page::serve(const Entry& entry, std::string_view if_none_match) const {
  core::http::Response r;
  if (!if_none_match.empty() && none_match_hits(if_none_match, entry.etag)) {
    r.status = 304;
  } else {
    r.body = std::string(entry.body);
    r.headers.push_back({"Content-Type", std::string(entry.content_type)});
  }
  r.headers.push_back({"ETag", entry.etag});
  // A fingerprinted name never changes its content; anything else is checked each time.
  r.headers.push_back(
      {"Cache-Control", entry.immutable ? "public, max-age=31536000, immutable" : "no-cache"});
  add_page_headers(r.headers, csp_);
  return r;
}

core::http::Response Page::index(std::string_view if_none_match) const {
  return serve(index_, if_none_match);
}

core::http::Response Page::asset(std::string_view name, std::string_view if_none_match) const {
  auto it = assets_.find(name);
  if (it == assets_.end()) return core::http::error_json(404, "not found");
  return serve(it->second, if_none_match);
}

}  // namespace frontend
