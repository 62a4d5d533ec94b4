#include "core/rpc/registry.hpp"

#include <stdexcept>

namespace core::rpc {

void Registry::add(std::string service_method, Handler handler) {
  auto dot = service_method.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == service_method.size()) {
    throw std::invalid_argument("rpc: method name must be Service.Method: " + service_method);
  }
  services_.insert(service_method.substr(0, dot));
  if (!methods_.emplace(std::move(service_method), std::move(handler)).second) {
    throw std::invalid_argument("rpc: method registered twice");
  }
}

const Handler* Registry::find(std::string_view service_method, std::string* error) const {
  auto it = methods_.find(service_method);
  if (it != methods_.end()) return &it->second;
  // Go's wording (net/rpc server.go readRequestHeader), so Go callers see the same errors.
  auto dot = service_method.rfind('.');
  if (dot == std::string_view::npos) {
    *error = "rpc: service/method request ill-formed: " + std::string(service_method);
  } else if (services_.find(service_method.substr(0, dot)) == services_.end()) {
    *error = "rpc: can't find service " + std::string(service_method);
  } else {
    *error = "rpc: can't find method " + std::string(service_method);
  }
  return nullptr;
}

}  // namespace core::rpc
