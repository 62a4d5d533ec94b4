#include "core/service/app.hpp"
#include "services/mail/handlers.hpp"
#include "services/mail/service.hpp"

int main(int argc, char** argv) {
  core::service::App app("mail", 8084, argc, argv);
  mail::register_service(app, mail::read_settings(app));
  return app.run();
}
