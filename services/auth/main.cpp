#include "core/service/app.hpp"
#include "services/auth/handlers.hpp"

int main(int argc, char** argv) {
  core::service::App app("auth", 8082, argc, argv);
  auth::Settings settings = auth::read_settings(app);
  auth::Prepared prepared = auth::start_up(app, settings);  // migrates before anything serves
  auth::register_routes(app, settings, prepared);
  return app.run();
}
