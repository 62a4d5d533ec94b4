#pragma once
// Files compiled into a service binary (a service's static/ folder), so a container needs
// nothing but the executable.
#include <span>
#include <string_view>

namespace core::service {

struct Asset {
  std::string_view path;  // relative to the static/ folder, e.g. "index.html", "app.js"
  std::string_view data;
};

/// The Asset at path, or nullptr.
const Asset* find_asset(std::span<const Asset> assets, std::string_view path);

/// The Content-Type for a file name ("app.js" -> "text/javascript; charset=utf-8").
std::string_view content_type_for(std::string_view path);

}  // namespace core::service
