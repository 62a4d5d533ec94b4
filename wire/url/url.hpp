#pragma once
// The URL shape configuration accepts:
// scheme://[userinfo@]host[:port][,host[:port]...][/path][?query] (several hosts only for
// MongoDB-style seed lists).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wire {

struct UrlHost {
  std::string host;  // IPv6 literals keep their brackets
  int port = 0;      // 0 when the URL names none
};

struct Url {
  std::string scheme;          // lower-cased
  std::string userinfo;        // "user:pass" as written (percent-encoded), empty when absent
  std::vector<UrlHost> hosts;  // at least one
  std::string path;            // "" or starting with "/"
  std::string query;           // without the "?"

  const std::string& host() const { return hosts.front().host; }
  int port() const { return hosts.front().port; }
};

/// nullopt unless `text` has the shape above (ports 1-65535, hosts non-empty, no spaces).
std::optional<Url> parse_url(std::string_view text);

/// `text` with any userinfo password replaced by "***", for messages that echo a URL.
std::string redact_url(std::string_view text);

}  // namespace wire
