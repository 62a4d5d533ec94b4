#pragma once
/// @file
/// The mail service over gRPC: mail.MailService/SendMail on MAIL_GRPC_PORT, with the
/// validation, sender policy and idempotency ("idempotency-key" metadata) of POST /send,
/// answering "sent to <to>".
#include <memory>
#include <string>

#include "core/config/server_limits.hpp"
#include "core/grpc/methods.hpp"
#include "core/runtime/workers.hpp"
#include "services/mail/sending.hpp"

namespace mail {

/// mail.MailService/SendMail. Bad input -> INVALID_ARGUMENT naming the field; the key reused
/// with another payload -> FAILED_PRECONDITION; the relay refusing -> FAILED_PRECONDITION,
/// unreachable or still sending the same key -> UNAVAILABLE, busy -> RESOURCE_EXHAUSTED, its
/// deadline -> DEADLINE_EXCEEDED.
core::Task<std::string> send_mail(const Mailer& mailer, core::grpc::Call call);

/// Serves SendMail on `port` (MAIL_GRPC_PORT) on this worker, drained with it.
void serve_grpc(core::Worker& worker, std::shared_ptr<const Mailer> mailer, int port,
                const core::config::ServerLimits& limits);

}  // namespace mail
