#include "services/broker/handlers.hpp"

#include <memory>

#include "core/http/json_io.hpp"
#include "services/broker/actions.hpp"
#include "wire/json/fields.hpp"

namespace broker {

using wire::contracts::Action;
using wire::contracts::LogTransport;

namespace {

core::Task<core::http::Response> log(State* s, wire::contracts::LogPayload p, LogTransport t, std::string request_id,
                                     const core::trace::Span* parent) {
  switch (t) {
    case LogTransport::http:
      co_return co_await log_via_http(s, std::move(p), std::move(request_id), parent);
    case LogTransport::rpc:
      co_return co_await log_via_rpc(s, std::move(p), std::move(request_id), parent);
    case LogTransport::amqp:
      co_return co_await log_via_amqp(s, std::move(p), std::move(request_id), parent);
    case LogTransport::grpc:
      co_return co_await log_via_grpc(s, std::move(p), std::move(request_id), parent);
  }
  co_return core::http::error_json(400, "unknown transport");
}

}  // namespace

core::Task<core::http::Response> hit(core::http::Context&) {
  co_return core::http::write_json(200, "Hit the broker");
}

core::Task<core::http::Response> handle(State* s, core::http::Context& ctx) {
  auto body = core::http::read_json(ctx.request);
  if (!body) co_return core::http::error_json(400, body.error().message);
  auto req = wire::contracts::parse_handle(body.value());
  if (!req) co_return core::http::error_json(400, req.error().message);
  switch (req->action) {
    case Action::auth:
      co_return co_await authenticate(s, std::move(req->auth), ctx.request_id, ctx.client, &ctx.span);
    case Action::log:
      co_return co_await log(s, std::move(req->log), req->transport, ctx.request_id, &ctx.span);
    case Action::mail:
      co_return co_await send_mail(s, std::move(req->mail), ctx.request_id, &ctx.span);
  }
  co_return core::http::error_json(400, "unknown action");
}

// {"action":"log","log":{"name","data"}}, as the page sends it; like the Go broker, only the
// log object matters.
core::Task<core::http::Response> log_grpc(State* s, core::http::Context& ctx) {
  auto body = core::http::read_json(ctx.request);
  if (!body) co_return core::http::error_json(400, body.error().message);
  auto obj = wire::json::required_object(body.value(), "log");
  if (!obj) co_return core::http::error_json(400, obj.error().message);
  auto p = wire::contracts::parse_log(obj.value(), "log");
  if (!p) co_return core::http::error_json(400, p.error().message);
  co_return co_await log_via_grpc(s, std::move(p).value(), ctx.request_id, &ctx.span);
}

void register_routes(core::service::App& app, const Settings& settings) {
  app.route("POST", "/", hit);
  app.on_worker([settings](core::Worker& worker, core::http::Router& router) {
    auto state = std::make_shared<State>(settings);
    state->amqp.start();  // connects (and reconnects) in the background
    worker.on_drain([state]() { return state->amqp.close(); });
    worker.on_drain([state]() { return state->grpc.close(); });
    worker.on_drain([state]() { return state->rpc.close(); });
    router.add("POST", "/handle", [state](core::http::Context& c) { return handle(state.get(), c); });
    router.add("POST", "/log-grpc", [state](core::http::Context& c) { return log_grpc(state.get(), c); });
  });
}

}  // namespace broker
