#pragma once
/// @file
/// The logger over gRPC: logs.LogService/WriteLog on GRPC_PORT, storing as POST /log does
/// (an "idempotency-key" metadata entry becomes the entry's _id) and answering "logged!" as
/// the Go logger does.
#include <memory>
#include <string>

#include "core/config/server_limits.hpp"
#include "core/grpc/methods.hpp"
#include "core/runtime/workers.hpp"
#include "services/logger/store.hpp"

namespace logger {

/// logs.LogService/WriteLog. Bad input -> INVALID_ARGUMENT naming the field; store down ->
/// UNAVAILABLE, its pool full -> RESOURCE_EXHAUSTED, its deadline -> DEADLINE_EXCEEDED.
core::Task<std::string> write_log(Store* store, core::grpc::Call call);

/// Starts this worker's gRPC server on `port` (drained with the worker).
void serve_grpc(core::Worker& worker, std::shared_ptr<Store> store, int port,
                const core::config::ServerLimits& limits);

}  // namespace logger
