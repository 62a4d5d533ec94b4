// Our RPC server for interop tests and benchmarks:
//   rpc_test_server [--host H] [--port P] [--workers N]
// serves RPCServer.LogInfo ("Processed payload via RPC:" + Name, as the logger does),
// RPCServer.Fail (an error reply carrying Data) and RPCServer.Slow (answers Name after Data
// milliseconds), gob and JSON-RPC on the same port. Prints "listening on <port>" once bound
// (port 0 picks a free one; with several workers give a port), serves until SIGTERM/SIGINT.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/rpc/server.hpp"
#include "core/runtime/workers.hpp"

namespace {

using core::Task;
using core::rpc::Payload;

Task<std::string> log_info(Payload p) { co_return "Processed payload via RPC:" + p.name; }

Task<std::string> fail(Payload p) {
  throw core::rpc::Error(p.data);
  co_return "";
}

Task<std::string> slow(Payload p) {
  co_await core::sleep(core::Duration(std::atoi(p.data.c_str())));
  co_return p.name;
}

int usage() {
  std::fprintf(stderr, "usage: rpc_test_server [--host H] [--port P] [--workers N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  core::rpc::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  int workers = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) return usage();
    if (a == "--host")
      options.host = argv[++i];
    else if (a == "--port")
      options.port = std::atoi(argv[++i]);
    else if (a == "--workers")
      workers = std::atoi(argv[++i]);
    else
      return usage();
  }
  if (workers > 1 && options.port == 0) return usage();
  options.reuse_port = workers > 1;
  auto registry = std::make_shared<core::rpc::Registry>();
  registry->add("RPCServer.LogInfo", log_info);
  registry->add("RPCServer.Fail", fail);
  registry->add("RPCServer.Slow", slow);

  core::WorkerOptions wo;
  wo.workers = workers;
  wo.drain_grace = std::chrono::seconds(2);
  return core::run_workers(wo, [&](core::Worker& worker) {
    auto server = std::make_shared<core::rpc::Server>(options, registry);
    server->start();
    if (worker.index() == 0) {
      std::printf("listening on %d\n", server->port());
      std::fflush(stdout);
    }
    worker.on_drain([server]() -> Task<void> { return server->drain(); });
  });
}
