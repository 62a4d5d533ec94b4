#pragma once
/// @file
/// What a gRPC service offers: a table of unary methods by path ("/logs.LogService/WriteLog"),
/// each a coroutine that takes the request message's bytes and the call's metadata and
/// returns the response message's bytes, or throws grpc::Error with a status code. A handler
/// runs under the call's deadline (grpc-timeout) and is cancelled when the client cancels.
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/http2/session.hpp"
#include "core/runtime/task.hpp"
#include "core/trace/span.hpp"
#include "wire/grpc/status.hpp"

namespace core::grpc {

using wire::grpc::StatusCode;

/// A failed call: the status the client gets (grpc-status, grpc-message).
struct Error : std::runtime_error {
  Error(StatusCode code, const std::string& message) : std::runtime_error(message), code(code) {}
  /// From a wire::Error whose code is a gRPC status (wire/grpc, wire/proto).
  explicit Error(const wire::Error& e)
      : std::runtime_error(e.message), code(wire::grpc::code_of(e)) {}
  StatusCode code;
};

struct Call {
  std::string message;       // the request message, protobuf bytes
  http2::Headers metadata;   // the request headers (names lower case)
  /// The call's server span (continuing the traceparent metadata); a handler's own calls
  /// are its children. Set by the server for the handler's lifetime.
  const trace::Span* span = nullptr;

  /// The first value of a metadata entry, or nullptr.
  const std::string* find(std::string_view name) const noexcept {
    return http2::find_header(metadata, name);
  }
};

using Handler = std::function<Task<std::string>(Call)>;

class MethodTable {
 public:
  /// `path` is "/<package>.<Service>/<Method>".
  void add(std::string path, Handler handler) { methods_[std::move(path)] = std::move(handler); }
  const Handler* find(const std::string& path) const {
    auto it = methods_.find(path);
    return it == methods_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<std::string, Handler> methods_;
};

}  // namespace core::grpc
