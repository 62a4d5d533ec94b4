#include "services/logger/grpc_service.hpp"

#include "core/grpc/worker_server.hpp"
#include "core/log/log.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/capture.hpp"
#include "wire/http/idempotency_key.hpp"
#include "wire/proto/messages.hpp"

namespace logger {

using core::grpc::Error;
using core::grpc::StatusCode;

namespace {

Error store_error(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const core::TimeoutError&) {
    return Error(StatusCode::deadline_exceeded, "database timed out");
  } catch (const core::PoolFull&) {
    return Error(StatusCode::resource_exhausted, "database busy");
  } catch (const core::mongo::Error& e) {
    if (e.kind() == core::mongo::Error::Kind::unavailable)
      return Error(StatusCode::unavailable, "database unavailable");
    core::log::error("store failed: {}", e.what());
  } catch (const std::exception& e) {
    core::log::error("store failed: {}", e.what());
  }
  return Error(StatusCode::internal, "could not store the entry");
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
