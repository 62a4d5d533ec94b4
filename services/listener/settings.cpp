#include "services/listener/settings.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/amqp/url.hpp"
#include "wire/url/url.hpp"
#include "core/http/client.hpp"
#include "wire/amqp/topology.hpp"

namespace listener {

namespace {

std::string trimmed(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The HTTP client speaks plain http:// only; say so at start-up rather than on every message.
std::string http_url(core::config::Env& env, std::string_view name, std::string_view def) {
  std::string url = trimmed(env.url(name, def));
  try {
    (void)core::http::HttpUrl::parse(url + "/");
  } catch (const std::invalid_argument&) {
    env.fail(fmt::format("{} must be http://host[:port], got \"{}\"", name,
                         wire::redact_url(url)));
  }
  return url;
}

}  // namespace

Settings read_settings(core::service::App& app) {
  auto& env = app.env();
  Settings s;
  s.rabbit_url = env.str("RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/");
  if (!core::amqp::parse_amqp_url(s.rabbit_url)) {
    env.fail("RABBIT_URL must be amqp://user:pass@host:port/vhost, got \"" +
             wire::redact_url(s.rabbit_url) + "\"");
  }
  s.logger_url = http_url(env, "LOGGER_URL", "http://127.0.0.1:8083");
  s.mail_url = http_url(env, "MAIL_URL", "http://127.0.0.1:8084");
  s.internal_token = app.limits().downstream_token;
  s.timeout = app.limits().downstream_timeout;
  s.prefetch = static_cast<std::uint16_t>(env.integer("LISTENER_PREFETCH", 64, 1, 65535));
  s.concurrency = static_cast<std::size_t>(env.integer("LISTENER_CONCURRENCY", 0, 0, 65535));
  s.delivery_limit =
      env.integer("AMQP_DELIVERY_LIMIT", wire::amqp::kDefaultDeliveryLimit, 1, 1000);
  return s;
}

}  // namespace listener
