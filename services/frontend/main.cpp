#include "core/service/app.hpp"
#include "services/frontend/handlers.hpp"

int main(int argc, char** argv) {
  core::service::App app("frontend", 8081, argc, argv);
  frontend::register_routes(app, frontend::read_settings(app));
  return app.run();
}
