#include "core/service/app.hpp"
#include "services/mail/grpc_service.hpp"
#include "services/mail/handlers.hpp"

int main(int argc, char** argv) {
  core::service::App app("mail", 8084, argc, argv);
  auto settings = mail::read_settings(app);
  mail::register_routes(app, settings);
  mail::register_grpc(app, settings);
  return app.run();
}
