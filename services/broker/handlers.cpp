#include "services/broker/handlers.hpp"

#include "core/http/json_io.hpp"

namespace broker {

core::Task<core::http::Response> hit(core::http::Context&) {
  co_return core::http::write_json(200, "Hit the broker");
}

void register_routes(core::service::App& app) { app.route("POST", "/", hit); }

}  // namespace broker
