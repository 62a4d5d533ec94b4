#include "wire/amqp/topology.hpp"

#include <algorithm>

namespace wire::amqp {

namespace {

std::string prefixed(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  out += name;
  return out;
}

Queue quorum_queue(std::string name, const Names& n, int delivery_limit) {
  return Queue{std::move(name), true, false, false,
               Arguments{{"x-queue-type", std::string("quorum")},
                         {"x-delivery-limit", std::int64_t{delivery_limit}},
                         {"x-dead-letter-exchange", n.dead_exchange}}};
}

bool is_retry_queue(std::string_view queue, const Names& n) {
  return std::any_of(n.retry.begin(), n.retry.end(),
                     [&](const RetryQueue& r) { return r.name == queue; });
}

}  // namespace

Names names(std::string_view prefix) {
  using std::chrono::milliseconds;
  return Names{
      prefixed(prefix, kExchange),
      prefixed(prefix, kDeadExchange),
      prefixed(prefix, kRetryExchange),
      prefixed(prefix, kLogsQueue),
      prefixed(prefix, kMailQueue),
      prefixed(prefix, kDeadQueue),
      {RetryQueue{prefixed(prefix, "listener.retry.1s"), milliseconds(1'000)},
       RetryQueue{prefixed(prefix, "listener.retry.10s"), milliseconds(10'000)},
       RetryQueue{prefixed(prefix, "listener.retry.60s"), milliseconds(60'000)}},
  };
}

Topology shared_topology(const TopologyOptions& options) {
  const Names n = names(options.prefix);
  Topology t;
  // The main exchange exactly as the Go system declares it (topic, durable, no arguments), so
  // both can declare it and its own listener keeps working beside ours.
  t.exchanges.push_back(Exchange{n.exchange, "topic", true, false, false, {}});
  t.exchanges.push_back(Exchange{n.dead_exchange, "topic", true, false, false, {}});
  t.exchanges.push_back(Exchange{n.retry_exchange, "headers", true, false, false, {}});

  t.queues.push_back(quorum_queue(n.logs_queue, n, options.delivery_limit));
  t.queues.push_back(quorum_queue(n.mail_queue, n, options.delivery_limit));
  t.bindings.push_back(Binding{n.logs_queue, n.exchange, std::string(kLogPattern), {}});
  t.bindings.push_back(Binding{n.mail_queue, n.exchange, std::string(kMailSend), {}});

  for (const RetryQueue& r : n.retry) {
    // Expired messages go back to the main exchange under the routing key they were
    // republished with (the original one): no x-dead-letter-routing-key on purpose.
    t.queues.push_back(Queue{r.name, true, false, false,
                             Arguments{{"x-message-ttl", std::int64_t{r.ttl.count()}},
                                       {"x-dead-letter-exchange", n.exchange}}});
    t.bindings.push_back(Binding{
        r.name, n.retry_exchange, "",
        Arguments{{"x-match", std::string("all")}, {std::string(kRetryQueueHeader), r.name}}});
  }

  t.queues.push_back(Queue{n.dead_queue, true, false, false, {}});
  t.bindings.push_back(Binding{n.dead_queue, n.dead_exchange, "#", {}});
  return t;
}

const ArgValue* find_argument(const Arguments& args, std::string_view key) {
  for (const Argument& a : args) {
    if (a.key == key) return &a.value;
  }
  return nullptr;
}

int attempt_of(std::span<const DeathRecord> x_death, std::int64_t attempts_header, const Names& n) {
  std::int64_t expirations = 0;
  for (const DeathRecord& d : x_death) {
    if (d.reason == "expired" && is_retry_queue(d.queue, n) && d.count > 0) expirations += d.count;
  }
  const std::int64_t failed = std::max(expirations, attempts_header);
  constexpr std::int64_t kCap = 1'000'000;  // a hostile header must not overflow int
  return static_cast<int>(std::clamp<std::int64_t>(failed, 0, kCap)) + 1;
}

NextHop after_failure(int attempt, const Names& n, int max_attempts) {
  NextHop hop;
  hop.failed_attempts = std::max(attempt, 1);
  if (hop.failed_attempts >= max_attempts) {
    hop.dead = true;
    hop.exchange = n.dead_exchange;
    return hop;
  }
  const std::size_t index = std::min<std::size_t>(hop.failed_attempts - 1, n.retry.size() - 1);
  hop.exchange = n.retry_exchange;
  hop.retry_queue = n.retry[index].name;
  return hop;
}

bool is_log_key(std::string_view routing_key) {
  return routing_key.size() > 4 && routing_key.starts_with("log.") &&
         routing_key.find('.', 4) == std::string_view::npos;
}

}  // namespace wire::amqp
