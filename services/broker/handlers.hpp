#pragma once
// The broker's public HTTP API: POST /, POST /handle, POST /log-grpc.
#include "core/service/app.hpp"
#include "services/broker/settings.hpp"

namespace broker {

/// POST / ("Hit the broker").
core::Task<core::http::Response> hit(core::http::Context& ctx);

/// POST /handle: decode, then dispatch on "action".
core::Task<core::http::Response> handle(State* state, core::http::Context& ctx);

/// POST /log-grpc.
core::Task<core::http::Response> log_grpc(State* state, core::http::Context& ctx);

void register_routes(core::service::App& app, const Settings& settings);

}  // namespace broker
