#include "core/service/app.hpp"
#include "services/listener/service.hpp"

int main(int argc, char** argv) {
  core::service::App app("listener", 8085, argc, argv);
  listener::register_workers(app, listener::read_settings(app));
  return app.run();
}
