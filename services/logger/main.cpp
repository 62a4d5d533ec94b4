#include "core/service/app.hpp"
#include "services/logger/handlers.hpp"

int main(int argc, char** argv) {
  core::service::App app("logger", 8083, argc, argv);
  logger::register_routes(app, logger::read_settings(app));
  return app.run();
}
