#include "services/logger/grpc_service.hpp"

#include "core/grpc/worker_server.hpp"
#include "core/log/log.hpp"
#include "services/logger/store_failure.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/capture.hpp"
#include "wire/http/idempotency_key.hpp"
#include "wire/proto/messages.hpp"

namespace logger {

using core::grpc::Error;
using core::grpc::StatusCode;

namespace {

Error store_error(const std::exception_ptr& error) {
  const StoreFailure f = describe_store_failure(error);
  const std::string message(f.message);
  switch (f.kind) {
    case StoreFailure::Kind::unavailable:
      return Error(StatusCode::unavailable, message);
    case StoreFailure::Kind::busy:
      return Error(StatusCode::resource_exhausted, message);
    case StoreFailure::Kind::timed_out:
      return Error(StatusCode::deadline_exceeded, message);
    case StoreFailure::Kind::failed:
      break;
  }
  return Error(StatusCode::internal, message);
}

}  // namespace

core::Task<std::string> write_log(Store* store, core::grpc::Call call) {
  auto request = wire::proto::decode_log_request(call.message);
  if (!request) throw Error(request.error());
  wire::proto::Log& entry = request->log_entry;
  if (entry.name.empty())
    throw Error(StatusCode::invalid_argument, "field logEntry.name must not be empty");
  auto key = wire::http::parse_idempotency_key(call.find("idempotency-key"));
  if (!key) throw Error(StatusCode::invalid_argument, key.error().message);
  auto added = co_await core::capture(store->add(
      wire::contracts::LogPayload{std::move(entry.name), std::move(entry.data)}, std::move(key).value(), call.span));
  if (added.error) throw store_error(added.error);
  co_return wire::proto::encode(wire::proto::LogResponse{"logged!"});
}

void serve_grpc(core::Worker& worker, std::shared_ptr<Store> store, int port,
                const core::config::ServerLimits& limits) {
  auto methods = std::make_shared<core::grpc::MethodTable>();
  methods->add("/logs.LogService/WriteLog",
               [store](core::grpc::Call c) { return write_log(store.get(), std::move(c)); });
  core::grpc::serve_on_worker(worker, std::move(methods), port, limits);
}

}  // namespace logger
