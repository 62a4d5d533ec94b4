#pragma once
// HTTP caching for the page and its assets: entity tags, If-None-Match and fingerprinted names.
#include <string>
#include <string_view>

namespace frontend {

/// 16 hex digits of a 64-bit FNV-1a hash of data: a content fingerprint, not a secret.
std::string content_hash(std::string_view data);

/// A strong entity tag for data: the content hash in quotes.
std::string entity_tag(std::string_view data);

/// Whether an If-None-Match field value selects etag, so the answer is 304: "*" or a
/// comma-separated list of tags compared weakly (W/"x" matches "x"), RFC 9110 13.1.2.
bool none_match_hits(std::string_view if_none_match, std::string_view etag);

/// The fingerprinted name of an asset: the hash goes before the extension
/// ("app.js", "0123abcd" -> "app.0123abcd.js"; "LICENSE" -> "LICENSE.0123abcd").
std::string fingerprinted(std::string_view name, std::string_view hash);

}  // namespace frontend
