#pragma once
// The logger's API: POST /log, GET /logs over HTTP, and RPCServer.LogInfo over Go's net/rpc.
#include <optional>
#include <string>

#include "core/rpc/registry.hpp"
#include "core/service/app.hpp"
#include "services/logger/store.hpp"
#include "wire/http/idempotency_key.hpp"
#include "wire/result.hpp"

namespace logger {

/// GET /logs "limit": default 50, 1..1000, else a 400 message.
wire::Result<std::size_t> parse_limit(const std::optional<std::string>& text);

/// "Idempotency-Key": absent -> "", 1..128 visible ASCII characters, else a 400 message.
using wire::http::parse_idempotency_key;

/// The answer for a store failure: 503 (unreachable or busy), 504 (deadline), 500.
core::http::Response store_failure(const std::exception_ptr& error);

core::Task<core::http::Response> post_log(Store* store, core::http::Context& ctx);
core::Task<core::http::Response> get_logs(Store* store, core::http::Context& ctx);
/// RPCServer.LogInfo: "Processed payload via RPC:<name>".
core::Task<std::string> log_info(Store* store, wire::rpc::Payload payload);

void register_routes(core::service::App& app, const Settings& settings);

}  // namespace logger
