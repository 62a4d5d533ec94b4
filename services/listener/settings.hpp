#pragma once
// The listener's configuration (environment).
#include <cstdint>
#include <string>

#include "core/runtime/timer.hpp"
#include "core/service/app.hpp"

namespace listener {

struct Settings {
  std::string rabbit_url;      // RABBIT_URL
  std::string logger_url;      // LOGGER_URL, without a trailing slash
  std::string mail_url;        // MAIL_URL, without a trailing slash
  std::string internal_token;  // DOWNSTREAM_TOKEN (default INTERNAL_TOKEN), sent to the logger and mail
  core::Duration timeout;      // DOWNSTREAM_TIMEOUT: one call to the logger or the mail service
  std::uint16_t prefetch = 64;  // LISTENER_PREFETCH: unacked deliveries per consumer
  std::size_t concurrency = 0;  // LISTENER_CONCURRENCY: handlers at once per consumer (0: prefetch)
  int delivery_limit = 5;       // AMQP_DELIVERY_LIMIT: x-delivery-limit and attempts before dead
};

Settings read_settings(core::service::App& app);

}  // namespace listener
