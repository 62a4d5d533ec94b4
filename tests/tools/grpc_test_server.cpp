// Our gRPC server for interop tests and benchmarks:
//   grpc_test_server [--host H] [--port P] [--workers N] [--token T]
// serves logs.LogService/WriteLog without a store: it decodes the request as the logger does
// and answers "logged!" (a name "sleep" makes it wait logEntry.data milliseconds first, for
// deadline and cancellation tests). With --token every call needs "authorization: Bearer T".
// Prints "listening on <port>" once bound, serves until SIGTERM/SIGINT.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/grpc/server.hpp"
#include "core/runtime/workers.hpp"
#include "wire/proto/messages.hpp"

namespace {

using core::Task;

Task<std::string> write_log(core::grpc::Call call) {
  auto request = wire::proto::decode_log_request(call.message);
  if (!request) throw core::grpc::Error(request.error());
  if (request->log_entry.name.empty())
    throw core::grpc::Error(core::grpc::StatusCode::invalid_argument,
                            "field logEntry.name must not be empty");
  if (request->log_entry.name == "sleep")
    co_await core::sleep(core::Duration(std::atoi(request->log_entry.data.c_str())));
  co_return wire::proto::encode(wire::proto::LogResponse{"logged!"});
}

int usage() {
  std::fprintf(stderr, "usage: grpc_test_server [--host H] [--port P] [--workers N] [--token T]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  core::grpc::ServerOptions options;
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
    else if (a == "--token")
      options.connection.token = argv[++i];
    else
      return usage();
  }
  if (workers > 1 && options.port == 0) return usage();
  options.reuse_port = workers > 1;
  auto methods = std::make_shared<core::grpc::MethodTable>();
  methods->add("/logs.LogService/WriteLog", write_log);
  options.connection.methods = methods;

  core::WorkerOptions wo;
  wo.workers = workers;
  wo.drain_grace = std::chrono::seconds(2);
  return core::run_workers(wo, [&](core::Worker& worker) {
    auto server = std::make_shared<core::grpc::Server>(options);
    server->start();
    if (worker.index() == 0) {
      std::printf("listening on %d\n", server->port());
      std::fflush(stdout);
    }
    worker.on_drain([server]() -> Task<void> { return server->drain(); });
  });
}
