#include "services/listener/subscriptions.hpp"

namespace listener {

namespace {

core::amqp::ConnectionOptions connection_options(const SubscriptionOptions& o) {
  core::amqp::ConnectionOptions c;
  c.url = o.url;
  c.name = o.connection_name;
  // The whole shared topology, as the broker declares it: messages published before any
  // listener ran are already kept, and both see the same arguments.
  c.topology = wire::amqp::shared_topology({o.prefix, o.delivery_limit});
  c.backoff_initial = o.backoff_initial;
  return c;
}

RelayOptions relay_options(const SubscriptionOptions& o) {
  RelayOptions r = o.relay;
  r.names = wire::amqp::names(o.prefix);
  r.max_attempts = o.delivery_limit;
  return r;
}

}  // namespace

Subscriptions::Subscriptions(SubscriptionOptions options)
    : options_(std::move(options)),
      connection_(connection_options(options_)),
      relay_(relay_options(options_), connection_.publisher()) {}

void Subscriptions::start() {
  const wire::amqp::Names names = wire::amqp::names(options_.prefix);
  auto handler = [relay = &relay_](core::amqp::Delivery& d) { return relay->handle(d); };
  logs_ = &connection_.consume(names.logs_queue, options_.prefetch, handler, options_.concurrency);
  mail_ = &connection_.consume(names.mail_queue, options_.prefetch, handler, options_.concurrency);
  connection_.start();
}

bool Subscriptions::ready() const noexcept {
  return logs_ && mail_ && logs_->consuming() && mail_->consuming() && connection_.ready();
}

core::Task<void> Subscriptions::stop(core::Duration grace) {
  // Connection::close stops both consumers at once, then waits for unconfirmed republishes.
  co_await connection_.close(grace);
}

}  // namespace listener
