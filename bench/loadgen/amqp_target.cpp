#include "bench/loadgen/amqp_target.hpp"

#include "core/amqp/error.hpp"

namespace loadgen {

wire::amqp::Topology AmqpTarget::topology(const Options& o) {
  if (!o.amqp_queue.empty()) {
    wire::amqp::Topology t;
    t.exchanges.push_back({o.exchange, "topic", true, false, false, {}});
    t.queues.push_back({o.amqp_queue, true, false, false, {}});
    t.bindings.push_back({o.amqp_queue, o.exchange, o.routing_key, {}});
    return t;
  }
  if (o.exchange == "logs_topic") return wire::amqp::shared_topology();
  return {};
}

AmqpTarget::AmqpTarget(const Plan& plan) : plan_(plan) {
  const Options& o = plan.options;
  core::amqp::ConnectionOptions co;
  co.url = o.amqp_url;
  co.name = "loadgen";
  co.topology = topology(o);
  co.connect_timeout = std::chrono::duration_cast<core::Duration>(o.timeout);
  co.confirm_window = static_cast<std::size_t>(o.depth) + 16;
  conn_ = std::make_unique<core::amqp::Connection>(co);
  conn_->start();
}

core::Task<int> AmqpTarget::call(std::uint64_t counter) {
  const Options& o = plan_.options;
  const auto timeout = std::chrono::duration_cast<core::Duration>(o.timeout);
  std::uint64_t ErrorCounts::*failed = nullptr;
  std::string why;
  bool connected = conn_->open();
  try {
    if (!connected) co_await conn_->wait_open(timeout);
    connected = true;
    co_await core::with_timeout(
        conn_->publisher().publish(o.exchange, o.routing_key, plan_.body.render(counter)), timeout);
    co_return kRpcOk;
  } catch (const core::amqp::Nacked&) {
    co_return kRpcErrorReply;
  } catch (const core::amqp::Unroutable&) {
    co_return kRpcErrorReply;
  } catch (const core::amqp::Blocked&) {
    co_return kRpcErrorReply;
  } catch (const core::TimeoutError& e) {
    failed = connected ? &ErrorCounts::timeout : &ErrorCounts::connect;
    why = e.what();
  } catch (const core::amqp::ConnectionError& e) {
    failed = connected ? &ErrorCounts::reset : &ErrorCounts::connect;
    why = e.what();
  }
  throw CallFailed(failed, why);
}

core::Task<void> AmqpTarget::close() {
  try {
    co_await conn_->close(std::chrono::seconds(2));
  } catch (const std::exception&) {
  }
  conn_.reset();
}

}  // namespace loadgen
