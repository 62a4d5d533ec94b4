#pragma once
// The mail service's API: POST /send {"from","to","subject","message"} -> 202 "sent to <to>".
// With an Idempotency-Key header a repeat of a sent request answers 202 again (with
// Idempotent-Replayed: true) without sending; see idempotency.hpp.
#include "core/service/app.hpp"
#include "core/smtp/client.hpp"
#include "services/mail/composer.hpp"
#include "services/mail/idempotency.hpp"
#include "services/mail/sending.hpp"

namespace mail {

struct Settings {
  // MAIL_HOST, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_ENCRYPTION, MAIL_CA_FILE,
  // MAIL_CONNECTIONS (per worker), MAIL_COMMAND_TIMEOUT, MAIL_IDLE_TIMEOUT, MAIL_MAX_SIZE
  core::smtp::SmtpOptions smtp;
  Policy policy;
  core::Duration timeout;        // DOWNSTREAM_TIMEOUT
  IdempotencyOptions idempotency;  // MAIL_IDEMPOTENCY_TTL, MAIL_IDEMPOTENCY_MAX
};

Settings read_settings(core::service::App& app);

/// The answer for a failed send: 503 + Retry-After (relay unreachable, busy, or a 4xx), 504
/// (deadline), 502 with the relay's reply (a 5xx: sending again will not help).
core::http::Response send_failure(const std::exception_ptr& error);

/// POST /send through `mailer` (its timeout bounds the whole request: waiting for a send of
/// the same Idempotency-Key, then its own send).
core::Task<core::http::Response> send(const Mailer& mailer, core::http::Context& ctx);

/// Adds POST /send to a worker's router.
void add_routes(core::http::Router& router, std::shared_ptr<const Mailer> mailer);

}  // namespace mail
