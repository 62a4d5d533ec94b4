#pragma once
// AMQP publishes with publisher confirms through core/amqp: one connection per loadgen
// connection, its slots' publishes pipelined on it within the confirm window; a call is
// answered when the broker confirmed that message.
#include <memory>

#include "bench/loadgen/call_slot.hpp"
#include "core/amqp/connection.hpp"

namespace loadgen {

class AmqpTarget final : public CallTarget {
 public:
  explicit AmqpTarget(const Plan& plan);
  core::Task<int> call(std::uint64_t counter) override;
  core::Task<void> close() override;

  /// What loadgen declares: the project's topology when publishing to logs_topic, an
  /// exchange and a queue bound to the routing key with --queue, else nothing.
  static wire::amqp::Topology topology(const Options& options);

 private:
  const Plan& plan_;
  std::unique_ptr<core::amqp::Connection> conn_;
};

}  // namespace loadgen
