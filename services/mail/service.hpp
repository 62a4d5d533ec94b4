#pragma once
/// @file
/// The mail service's transports on every worker: POST /send and gRPC SendMail on
/// MAIL_GRPC_PORT (default 50002), sharing one composer and one idempotency-key table per
/// process and one relay client (pool of SMTP sessions) per worker.
#include "core/service/app.hpp"
#include "services/mail/handlers.hpp"

namespace mail {

void register_service(core::service::App& app, const Settings& settings);

}  // namespace mail
