#include "services/logger/handlers.hpp"

#include <charconv>

#include "core/trace/semconv.hpp"
#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "core/config/env.hpp"
#include "core/rpc/errors.hpp"
#include "core/rpc/server.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/capture.hpp"
#include "services/logger/grpc_service.hpp"
#include "services/logger/store_failure.hpp"

namespace logger {

using core::http::Context;
using core::http::Response;

wire::Result<std::size_t> parse_limit(const std::optional<std::string>& text) {
  if (!text) return std::size_t{50};
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 1 || n > 1000) {
    return wire::make_error(400, "limit must be an integer between 1 and 1000");
  }
  return n;
}

Response store_failure(const std::exception_ptr& error) {
  const StoreFailure f = describe_store_failure(error);
  switch (f.kind) {
    case StoreFailure::Kind::unavailable:
    case StoreFailure::Kind::busy:
      return core::http::unavailable_json(f.message);
    case StoreFailure::Kind::timed_out:
      return core::http::error_json(504, f.message);
    case StoreFailure::Kind::failed:
      break;
  }
  return core::http::error_json(500, f.message);
}

core::Task<Response> post_log(Store* store, Context& ctx) {
  auto body = core::http::read_json(ctx.request);
  if (!body) co_return core::http::error_json(400, body.error().message);
  auto payload = wire::contracts::parse_log(body.value());
  if (!payload) co_return core::http::error_json(400, payload.error().message);
  auto key = parse_idempotency_key(ctx.request.header("Idempotency-Key"));
  if (!key) co_return core::http::error_json(400, key.error().message);
  auto added =
      co_await core::capture(store->add(std::move(payload).value(), std::move(key).value(), &ctx.span));
  if (added.error) co_return store_failure(added.error);
  co_return core::http::write_json(202, "logged");
}

core::Task<Response> get_logs(Store* store, Context& ctx) {
  auto limit = parse_limit(ctx.request.query_param("limit"));
  if (!limit) co_return core::http::error_json(400, limit.error().message);
  std::optional<std::string> name = ctx.request.query_param("name");
  if (name && name->empty()) name.reset();
  auto recent = co_await core::capture(store->recent(limit.value(), std::move(name)));
  if (recent.error) co_return store_failure(recent.error);
  const std::vector<Entry>& entries = *recent.value;
  auto data = wire::json::Value::array();
  for (const auto& e : entries) {
    auto v = wire::json::Value::object();
    v.set("id", wire::json::Value::string(e.id));
    v.set("name", wire::json::Value::string(e.name));
    v.set("data", wire::json::Value::string(e.data));
    v.set("created_at", wire::json::Value::string(e.created_at));
    data.push(std::move(v));
  }
  co_return core::http::write_json(200, "logs", data);
}

core::Task<std::string> log_info(Store* store, wire::rpc::Payload payload) {
  core::trace::Span span = core::trace::rpc_server_span("RPCServer.LogInfo", payload.traceparent);
  co_await core::detail::SetTraceIds{span.log_ids()};
  if (payload.name.empty()) {
    span.set_error("missing field: Name");
    throw core::rpc::Error("missing field: Name");
  }
  std::string name = payload.name;
  std::exception_ptr error;
  try {
    co_await store->add(wire::contracts::LogPayload{std::move(payload.name), std::move(payload.data)}, "", &span);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    core::trace::record_exception(span, error);
    // The reply's text is all Go RPC carries: the store texts let the broker answer 503/504.
    throw core::rpc::Error(std::string(describe_store_failure(error).message));
  }
  co_return "Processed payload via RPC:" + name;
}

void register_routes(core::service::App& app, const Settings& settings) {
  core::config::exit_if_invalid(app.env());  // before anything connects
  core::mongo::Options mo;
  mo.url = settings.mongo_url;
  mo.database = settings.database;
  mo.threads = settings.mongo_threads;
  mo.deadline = settings.timeout;
  auto client = std::make_shared<core::mongo::Client>(mo);  // thread-safe, shared by the workers
  app.readiness("mongodb", [client]() { return client->ping(); });
  auto limits = app.limits();
  app.on_worker([client, settings, limits](core::Worker& worker, core::http::Router& router) {
    auto store = std::make_shared<Store>(client, settings);
    router.add("POST", "/log", [store](Context& c) { return post_log(store.get(), c); });
    router.add("GET", "/logs", [store](Context& c) { return get_logs(store.get(), c); });

    auto registry = std::make_shared<core::rpc::Registry>();
    registry->add("RPCServer.LogInfo", [store](wire::rpc::Payload p) { return log_info(store.get(), std::move(p)); });
    core::rpc::ServerOptions ro;
    ro.port = settings.rpc_port;
    ro.max_connections = limits.max_connections;
    auto rpc = std::make_shared<core::rpc::Server>(ro, registry);
    rpc->start();
    worker.on_drain([rpc]() { return rpc->drain(); });
    serve_grpc(worker, store, settings.grpc_port, limits);
  });
}

}  // namespace logger
