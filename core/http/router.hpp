#pragma once
// Method + exact-path routing: our APIs have fixed paths. A path with no route is 404, a known
// path with another method is 405 with an Allow header.
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/http/context.hpp"

namespace core::http {

using Handler = std::function<Task<Response>(Context&)>;

class Router {
 public:
  void add(std::string method, std::string path, Handler handler);
  /// Every method on every path that starts with prefix (e.g. a proxy under "/api/").
  /// Exact routes win over prefixes; the longest prefix wins among prefixes.
  void add_prefix(std::string prefix, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: see status
    int status = 200;                  // 404 or 405 when handler is null
    std::string allow;                 // for 405: "GET, POST"
    const std::string* route = nullptr;  // the matched path (a metrics label)
  };
  Match match(std::string_view method, std::string_view path) const;
  bool has_path(std::string_view path) const;

 private:
  struct Route {
    std::string method;
    Handler handler;
  };
  struct PathEntry {
    std::string path;
    std::vector<Route> routes;
  };
  std::unordered_map<std::string, PathEntry> paths_;
  std::vector<PathEntry> prefixes_;  // path = the prefix; one route with method "*"
};

}  // namespace core::http
