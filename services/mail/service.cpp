#include "services/mail/service.hpp"

#include <memory>

#include "services/mail/grpc_service.hpp"

namespace mail {

void register_service(core::service::App& app, const Settings& settings) {
  int grpc_port = app.env().integer("MAIL_GRPC_PORT", 50002, 1, 65535);
  auto composer = std::make_shared<const Composer>(settings.policy);  // templates load once
  auto keys = std::make_shared<IdempotencyTable>(settings.idempotency);  // one for all workers
  app.on_worker([=, limits = app.limits()](core::Worker& worker, core::http::Router& router) {
    auto mailer = std::make_shared<const Mailer>(
        Mailer{composer, keys, std::make_shared<core::smtp::Client>(settings.smtp), settings.timeout});
    add_routes(router, mailer);
    serve_grpc(worker, mailer, grpc_port, limits);
  });
}

}  // namespace mail
