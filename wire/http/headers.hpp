#pragma once
/// @file
/// HTTP header fields as parsed or to be serialized, and case-insensitive lookup.
#include <string>
#include <string_view>
#include <vector>

namespace wire::http {

/// One header field, name and value as received (value without surrounding whitespace).
struct Header {
  std::string name;
  std::string value;
};

/// Header fields in arrival order; repeated names stay separate entries.
using Headers = std::vector<Header>;

/// ASCII case-insensitive equality, as header names and most tokens compare.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// First header named `name` (ASCII case-insensitive), or nullptr if absent.
const std::string* find_header(const Headers& headers, std::string_view name);

}  // namespace wire::http
