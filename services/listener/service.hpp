#pragma once
// The listener as a service: per worker, Subscriptions consuming listener.logs and
// listener.mail; /readyz reports whether every worker is consuming both; SIGTERM drains them.
// It serves no API of its own: /ping, /healthz, /readyz and /metrics come with the App.
#include "core/service/app.hpp"
#include "services/listener/settings.hpp"

namespace listener {

void register_workers(core::service::App& app, const Settings& settings);

}  // namespace listener
