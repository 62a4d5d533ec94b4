#include "core/amqp/retry.hpp"

namespace core::amqp {

int attempt_of(const Delivery& d, const wire::amqp::Names& names) {
  std::int64_t header = 0;
  if (const FieldValue* v = find_field(d.properties.headers, wire::amqp::kAttemptsHeader)) {
    header = v->as_integer().value_or(0);
  }
  return wire::amqp::attempt_of(d.x_death, header, names);
}

Task<wire::amqp::NextHop> republish_for_retry(Publisher& publisher, Delivery d,
                                              wire::amqp::Names names, int max_attempts) {
  wire::amqp::NextHop hop = wire::amqp::after_failure(attempt_of(d, names), names, max_attempts);
  Properties props = std::move(d.properties);
  set_field(props.headers, std::string(wire::amqp::kAttemptsHeader),
            FieldValue::integer(hop.failed_attempts));
  if (hop.dead) {
    erase_field(props.headers, wire::amqp::kRetryQueueHeader);
  } else {
    set_field(props.headers, std::string(wire::amqp::kRetryQueueHeader),
              FieldValue::string(hop.retry_queue));
  }
  co_await publisher.publish(hop.exchange, std::move(d.routing_key), std::move(d.body),
                             std::move(props), true);
  co_return hop;
}

Task<void> dead_letter(Publisher& publisher, Delivery d, wire::amqp::Names names) {
  Properties props = std::move(d.properties);
  erase_field(props.headers, wire::amqp::kRetryQueueHeader);
  co_await publisher.publish(names.dead_exchange, std::move(d.routing_key), std::move(d.body),
                             std::move(props), true);
}

}  // namespace core::amqp
