#include "core/http/router.hpp"

#include <algorithm>

namespace core::http {

void Router::add(std::string method, std::string path, Handler handler) {
  auto& entry = paths_[path];
  entry.path = path;
  for (auto& r : entry.routes) {
    if (r.method == method) {
      r.handler = std::move(handler);
      return;
    }
  }
  entry.routes.push_back(Route{std::move(method), std::move(handler)});
}

void Router::add_prefix(std::string prefix, Handler handler) {
  prefixes_.push_back(PathEntry{prefix, {Route{"*", std::move(handler)}}});
  std::sort(prefixes_.begin(), prefixes_.end(),
            [](const PathEntry& a, const PathEntry& b) { return a.path.size() > b.path.size(); });
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  auto it = paths_.find(std::string(path));
  if (it == paths_.end()) {
    for (const auto& p : prefixes_) {
      if (path.starts_with(p.path)) {
        m.route = &p.path;
        m.handler = &p.routes.front().handler;
        return m;
      }
    }
    m.status = 404;
    return m;
  }
  m.route = &it->second.path;
  for (const auto& r : it->second.routes) {
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      m.handler = &r.handler;
      return m;
    }
  }
  m.status = 405;
  for (const auto& r : it->second.routes) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += r.method;
  }
  return m;
}

bool Router::has_path(std::string_view path) const { return paths_.count(std::string(path)) > 0; }

}  // namespace core::http
