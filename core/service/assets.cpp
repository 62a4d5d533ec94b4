#include "core/service/assets.hpp"

namespace core::service {

const Asset* find_asset(std::span<const Asset> assets, std::string_view path) {
  for (const auto& a : assets) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

std::string_view content_type_for(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".json")) return "application/json";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".png")) return "image/png";
  if (path.ends_with(".ico")) return "image/x-icon";
  if (path.ends_with(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace core::service
