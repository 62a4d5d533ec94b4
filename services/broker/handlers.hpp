#pragma once
// The broker's public HTTP API.
#include "core/service/app.hpp"

namespace broker {

/// POST / ("Hit the broker").
core::Task<core::http::Response> hit(core::http::Context& ctx);

void register_routes(core::service::App& app);

}  // namespace broker
