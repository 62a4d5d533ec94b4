#include "bench/loadgen/rpc_target.hpp"

namespace loadgen {

RpcTarget::RpcTarget(const Plan& plan, int connections) : plan_(plan) {
  const Options& o = plan.options;
  core::rpc::ClientOptions ro;
  ro.host = o.host;
  ro.port = o.port;
  ro.codec = o.codec;
  ro.connections = static_cast<std::size_t>(connections);
  ro.call_timeout = std::chrono::duration_cast<core::Duration>(o.timeout);
  ro.connect_timeout = ro.call_timeout;
  ro.max_in_flight = static_cast<std::size_t>(o.depth) * 2 + 16;
  client_ = std::make_unique<core::rpc::Client>(ro);
}

core::Task<int> RpcTarget::call(std::uint64_t counter) {
  core::rpc::Payload payload;
  payload.name = plan_.options.rpc_name;
  payload.data = plan_.body.render(counter);
  std::uint64_t ErrorCounts::*failed = nullptr;
  std::string why;
  try {
    co_await client_->call(plan_.options.rpc_method, std::move(payload));
    co_return kRpcOk;
  } catch (const core::rpc::Error&) {
    co_return kRpcErrorReply;
  } catch (const core::TimeoutError& e) {
    failed = &ErrorCounts::timeout;
    why = e.what();
  } catch (const core::rpc::ProtocolError& e) {
    failed = &ErrorCounts::parse;
    why = e.what();
  } catch (const core::NetError& e) {
    // The client's message says "rpc connect to" for a failed dial, "rpc connection to ...
    // lost" for a broken connection.
    const bool dial = e.code == UV_ECONNREFUSED ||
                      std::string_view(e.what()).find("connect to") != std::string_view::npos;
    failed = dial ? &ErrorCounts::connect : &ErrorCounts::reset;
    why = e.what();
  }
  throw CallFailed(failed, why);
}

core::Task<void> RpcTarget::close() {
  client_.reset();
  co_return;
}

}  // namespace loadgen
