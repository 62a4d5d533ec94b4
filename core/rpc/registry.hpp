#pragma once
/// @file
/// The methods a server offers, by "Service.Method". Built once before the workers start and
/// shared read-only by all of them.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/rpc/errors.hpp"
#include "core/runtime/task.hpp"

namespace core::rpc {

/// Answers one call: the result string, or an exception whose message becomes the error reply.
/// Called on the worker's loop; must be safe to call from every worker at once.
using Handler = std::function<Task<std::string>(Payload)>;

class Registry {
 public:
  /// Registers `service_method` ("RPCServer.LogInfo"); throws std::invalid_argument without a
  /// dot or when it is registered already.
  void add(std::string service_method, Handler handler);

  /// The handler for `service_method`, or nullptr with Go's error in *error:
  /// "rpc: service/method request ill-formed: X", "rpc: can't find service X",
  /// "rpc: can't find method X".
  const Handler* find(std::string_view service_method, std::string* error) const;

 private:
  struct Hash : std::hash<std::string_view> {
    using is_transparent = void;
  };
  std::unordered_map<std::string, Handler, Hash, std::equal_to<>> methods_;
  std::unordered_set<std::string, Hash, std::equal_to<>> services_;
};

}  // namespace core::rpc
