#pragma once
/// @file
/// A service's gRPC server on one worker: its methods on `port` (SO_REUSEPORT, so every worker
/// binds it), with the service's connection cap and INTERNAL_TOKEN, drained with the worker.
#include <memory>

#include "core/config/server_limits.hpp"
#include "core/grpc/methods.hpp"
#include "core/runtime/workers.hpp"

namespace core::grpc {

void serve_on_worker(Worker& worker, std::shared_ptr<const MethodTable> methods, int port,
                     const config::ServerLimits& limits);

}  // namespace core::grpc
