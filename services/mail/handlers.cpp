#include "services/mail/handlers.hpp"

#include <algorithm>
#include <ctime>

#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/smtp/error.hpp"
#include "core/runtime/capture.hpp"

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
  s.smtp.command_timeout = std::min<core::Duration>(
      s.timeout, env.duration("MAIL_COMMAND_TIMEOUT", s.smtp.command_timeout,
                              std::chrono::milliseconds(10), std::chrono::minutes(10)));
  s.smtp.idle_timeout = env.duration("MAIL_IDLE_TIMEOUT", s.smtp.idle_timeout,
                                     std::chrono::milliseconds(10), std::chrono::hours(1));
  s.smtp.max_connections = static_cast<std::size_t>(
      env.integer("MAIL_CONNECTIONS", static_cast<int>(s.smtp.max_connections), 1, 1024));
  s.smtp.max_message_size = static_cast<std::size_t>(env.integer(
      "MAIL_MAX_SIZE", static_cast<int>(s.smtp.max_message_size), 1024, 1 << 30));
  s.idempotency.ttl = env.duration("MAIL_IDEMPOTENCY_TTL", s.idempotency.ttl,
                                   std::chrono::seconds(1), std::chrono::hours(24 * 7));
  s.idempotency.max_keys = static_cast<std::size_t>(
      env.integer("MAIL_IDEMPOTENCY_MAX", static_cast<int>(s.idempotency.max_keys), 1, 10'000'000));
  return s;
}

Response send_failure(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const core::TimeoutError&) {
    return core::http::error_json(504, "mail relay timed out");
  } catch (const core::smtp::Error& e) {
    core::log::warn("smtp send failed: {}", e.what());
    // A 5xx (or a message over the size limit) will fail again: 502 with the relay's words.
    // Anything else (a 4xx, a lost or refused connection) may pass later: 503 + Retry-After.
    if (e.permanent()) {
      return core::http::error_json(
          502, e.reply.empty() ? std::string(e.what())
                               : "mail relay refused the message: " + e.reply);
    }
  } catch (const core::PoolFull&) {
  } catch (const std::exception& e) {
    core::log::error("send failed: {}", e.what());
    return core::http::error_json(500, "could not send the mail");
  }
  return core::http::unavailable_json("mail relay unavailable");
}

namespace {

Response accepted(const std::string& to) { return core::http::write_json(202, "sent to " + to); }

Response replayed(const std::string& to) {
  static core::metrics::Counter& replays = core::metrics::registry().counter(
      "mail_idempotent_replays_total",
      "POST /send answered from the Idempotency-Key table without sending");
  replays.inc();
  Response r = accepted(to);
  r.headers.push_back({"Idempotent-Replayed", "true"});
  return r;
}

Response answer(Outcome outcome, const std::string& to) {
  switch (outcome) {
    case Outcome::sent:
      return accepted(to);
    case Outcome::replayed:
      return replayed(to);
    case Outcome::key_mismatch:
      return core::http::error_json(422, "Idempotency-Key was already used with a different payload");
    case Outcome::still_sending:
      break;
  }
  return core::http::unavailable_json("a request with this Idempotency-Key is still being sent");
}

}  // namespace

core::Task<Response> send(const Mailer& mailer, core::http::Context& ctx) {
  auto body = core::http::read_json(ctx.request);
  if (!body) co_return core::http::error_json(400, body.error().message);
  auto payload = wire::contracts::parse_mail(body.value());
  if (!payload) co_return core::http::error_json(400, payload.error().message);
  auto key = parse_idempotency_key(ctx.request.header("Idempotency-Key"));
  if (!key) co_return core::http::error_json(400, key.error().message);
  auto envelope = mailer.composer->compose(payload.value(), std::time(nullptr), message_token());
  if (!envelope) co_return core::http::error_json(envelope.error().code ? envelope.error().code : 400, envelope.error().message);

  auto sent = co_await core::capture(deliver_once(mailer, std::move(key).value(), fingerprint(payload.value()),
                                                    std::move(envelope).value(), &ctx.span));
  if (sent.error) co_return send_failure(sent.error);
  co_return answer(*sent.value, payload->to);
}

void add_routes(core::http::Router& router, std::shared_ptr<const Mailer> mailer) {
  router.add("POST", "/send", [mailer](core::http::Context& c) { return send(*mailer, c); });
}

}  // namespace mail
