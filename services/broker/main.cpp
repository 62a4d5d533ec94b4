#include "core/service/app.hpp"
#include "services/broker/handlers.hpp"

int main(int argc, char** argv) {
  core::service::App app("broker", 8080, argc, argv);
  broker::register_routes(app, broker::read_settings(app));
  return app.run();
}
