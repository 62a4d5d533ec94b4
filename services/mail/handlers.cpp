#include "services/mail/handlers.hpp"

#include <ctime>
#include <random>

#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/smtp/error.hpp"

namespace mail {

using core::http::Response;

Settings read_settings(core::service::App& app) {
  auto& env = app.env();
  Settings s;
  s.smtp.host = env.str("MAIL_HOST", "127.0.0.1");
  s.smtp.port = env.integer("MAIL_PORT", 1025, 1, 65535);
  s.smtp.username = env.str("MAIL_USERNAME", "");
  s.smtp.password = env.str("MAIL_PASSWORD", "");
  std::string enc = env.one_of("MAIL_ENCRYPTION", "none", {"none", "starttls", "tls"});
  s.smtp.encryption = core::smtp::parse_encryption(enc).value_or(core::smtp::Encryption::none);
  if (std::string ca = env.str("MAIL_CA_FILE", ""); !ca.empty()) s.smtp.ca_file = ca;
  s.policy.domain = env.str("MAIL_DOMAIN", "localhost");
  s.smtp.helo_domain = s.policy.domain;
  s.policy.from_address = env.str("FROM_ADDRESS", "noreply@example.com");
  s.policy.from_name = env.str("FROM_NAME", "Microservices");
  s.policy.allowed_senders = env.list("MAIL_ALLOWED_SENDERS");
  s.timeout = app.limits().downstream_timeout;
  s.smtp.timeout = s.timeout;
  return s;
}

Response send_failure(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const core::TimeoutError&) {
    return core::http::error_json(504, "mail relay timed out");
  } catch (const core::smtp::Error& e) {
    core::log::warn("smtp send failed: {}", e.what());
    if (e.permanent()) return core::http::error_json(502, "mail relay refused the message");
  } catch (const core::PoolFull&) {
  } catch (const std::exception& e) {
    core::log::error("send failed: {}", e.what());
    return core::http::error_json(500, "could not send the mail");
  }
  Response r = core::http::error_json(503, "mail relay unavailable");
  r.headers.push_back({"Retry-After", "1"});
  return r;
}

namespace {
std::string random_token() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string t(24, '0');
  for (auto& c : t) c = hex[rng() & 0xf];
  return t;
}
}  // namespace

core::Task<Response> send(const Composer* composer, core::smtp::Client* client, core::Duration timeout,
                          core::http::Context& ctx) {
  auto body = core::http::read_json(ctx.request);
  if (!body) co_return core::http::error_json(400, body.error().message);
  auto payload = wire::contracts::parse_mail(body.value());
  if (!payload) co_return core::http::error_json(400, payload.error().message);
  auto envelope = composer->compose(payload.value(), std::time(nullptr), random_token());
  if (!envelope) co_return core::http::error_json(envelope.error().code ? envelope.error().code : 400, envelope.error().message);
  std::exception_ptr error;
  try {
    co_await core::with_timeout(client->send(std::move(envelope).value()), timeout);
  } catch (const core::Cancelled&) {
    throw;
  } catch (...) {
    error = std::current_exception();
  }
  if (error) co_return send_failure(error);
  co_return core::http::write_json(202, "sent to " + payload->to);
}

void register_routes(core::service::App& app, const Settings& settings) {
  auto composer = std::make_shared<const Composer>(settings.policy);  // templates load once
  app.on_worker([composer, settings](core::Worker&, core::http::Router& router) {
    auto client = std::make_shared<core::smtp::Client>(settings.smtp);
    router.add("POST", "/send", [composer, client, timeout = settings.timeout](core::http::Context& c) {
      return send(composer.get(), client.get(), timeout, c);
    });
  });
}

}  // namespace mail
