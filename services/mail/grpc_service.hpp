#pragma once
/// @file
/// The mail service over gRPC: mail.MailService/SendMail on MAIL_GRPC_PORT, with the
/// validation, sender policy and idempotency ("idempotency-key" metadata) of POST /send,
/// answering "sent to <to>".
#include <memory>
#include <string>

#include "core/grpc/methods.hpp"
#include "core/service/app.hpp"
#include "services/mail/handlers.hpp"

namespace mail {

/// mail.MailService/SendMail. Bad input -> INVALID_ARGUMENT naming the field; the key reused
/// with another payload -> FAILED_PRECONDITION; the relay refusing -> FAILED_PRECONDITION,
/// unreachable or still sending the same key -> UNAVAILABLE, busy -> RESOURCE_EXHAUSTED, its
/// deadline -> DEADLINE_EXCEEDED.
core::Task<std::string> send_mail(const Composer* composer, core::smtp::Client* client,
                                  IdempotencyTable* keys, core::Duration timeout, core::grpc::Call call);

/// Reads MAIL_GRPC_PORT (default 50002) and serves SendMail on every worker.
void register_grpc(core::service::App& app, const Settings& settings);

}  // namespace mail
