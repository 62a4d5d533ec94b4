#pragma once
/// @file
/// The one shared definition of the RabbitMQ topology: exchanges, queues with their arguments,
/// bindings, routing keys, and the retry/dead-letter plan. Every declarer (broker, listener,
/// scripts/dlq, tests) builds its declarations from here, because RabbitMQ refuses a
/// re-declaration whose arguments differ. Plain data: no librabbitmq types, no I/O.
#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wire::amqp {

// Names of the production topology (prefix ""). See docs/amqp.md.
inline constexpr std::string_view kExchange = "logs_topic";
inline constexpr std::string_view kDeadExchange = "logs_topic.dlx";
inline constexpr std::string_view kRetryExchange = "logs_topic.retry";
inline constexpr std::string_view kLogsQueue = "listener.logs";
inline constexpr std::string_view kMailQueue = "listener.mail";
inline constexpr std::string_view kDeadQueue = "listener.dead";

inline constexpr std::string_view kLogInfo = "log.INFO";
inline constexpr std::string_view kLogWarning = "log.WARNING";
inline constexpr std::string_view kLogError = "log.ERROR";
inline constexpr std::string_view kMailSend = "mail.send";
/// Binding pattern of the logs queue.
inline constexpr std::string_view kLogPattern = "log.*";

/// Header of a message sent to the retry exchange naming the retry queue it goes to (headers
/// exchanges ignore "x-" headers, hence the plain name).
inline constexpr std::string_view kRetryQueueHeader = "retry-queue";
/// Header counting failed attempts, written when a message is republished for retry. x-death
/// says the same; this one survives brokers that drop client-set x-death headers.
inline constexpr std::string_view kAttemptsHeader = "retry-attempts";

/// Default `x-delivery-limit` of the quorum queues and number of attempts before a message is
/// dead-lettered (env AMQP_DELIVERY_LIMIT overrides it in the services).
inline constexpr int kDefaultDeliveryLimit = 5;

/// Typed value of a queue/exchange/binding argument. Integers go on the wire as signed 64-bit
/// ('l'): every declarer must use the same type, RabbitMQ compares types too.
using ArgValue = std::variant<std::string, std::int64_t, bool>;

struct Argument {
  std::string key;
  ArgValue value;
  bool operator==(const Argument&) const = default;
};
using Arguments = std::vector<Argument>;

struct Exchange {
  std::string name;
  std::string type;  ///< "topic", "fanout", "direct", "headers"
  bool durable = true;
  bool auto_delete = false;
  bool internal = false;
  Arguments arguments;
};

struct Queue {
  std::string name;
  bool durable = true;
  bool exclusive = false;
  bool auto_delete = false;
  Arguments arguments;
};

struct Binding {
  std::string queue;
  std::string exchange;
  std::string routing_key;
  Arguments arguments;
};

/// Everything to declare, in order: exchanges, then queues, then bindings.
struct Topology {
  std::vector<Exchange> exchanges;
  std::vector<Queue> queues;
  std::vector<Binding> bindings;
};

/// One TTL retry queue: waits `ttl`, then dead-letters back to the main exchange.
struct RetryQueue {
  std::string name;
  std::chrono::milliseconds ttl;
};

/// The names of one instance of the topology (a prefix keeps tests apart from the services).
struct Names {
  std::string exchange;
  std::string dead_exchange;
  std::string retry_exchange;
  std::string logs_queue;
  std::string mail_queue;
  std::string dead_queue;
  std::array<RetryQueue, 3> retry;  ///< 1 s, 10 s, 60 s
};

struct TopologyOptions {
  /// Prepended to every exchange and queue name ("" in production).
  std::string prefix;
  /// `x-delivery-limit` of the quorum queues, and attempts before the dead queue.
  int delivery_limit = kDefaultDeliveryLimit;
};

Names names(std::string_view prefix = "");

/// The full topology: main topic exchange, dead-letter and retry exchanges, the quorum queues
/// with their bindings, the three retry queues and the dead queue.
Topology shared_topology(const TopologyOptions& options = {});

/// The value of `key` in args, or nullptr.
const ArgValue* find_argument(const Arguments& args, std::string_view key);

// --- retry / dead-letter plan --------------------------------------------------------------

/// One entry of RabbitMQ's x-death header (a table per queue and reason).
struct DeathRecord {
  std::string queue;
  std::string reason;  ///< "expired", "rejected", "maxlen", "delivery_limit"
  std::int64_t count = 0;
};

/// Which attempt a delivery is (1 for the first): one more than the expirations it went
/// through in the retry queues of `n` (from x-death), or than the attempts header when that
/// says more (brokers that ignore client-set x-death).
int attempt_of(std::span<const DeathRecord> x_death, std::int64_t attempts_header, const Names& n);

/// Where a message goes after failed attempt `attempt` (1-based).
struct NextHop {
  bool dead = false;  ///< true: to the dead exchange, no more attempts
  std::string exchange;
  std::string retry_queue;  ///< the retry queue when !dead (routed by kRetryQueueHeader)
  int failed_attempts = 0;  ///< the attempts header value to write
};

/// Attempt 1 failed -> retry.1s, 2 -> retry.10s, 3 and later -> retry.60s; after
/// `max_attempts` attempts -> the dead exchange.
NextHop after_failure(int attempt, const Names& n, int max_attempts = kDefaultDeliveryLimit);

/// True for the routing keys the logs queue takes (log.<LEVEL>).
bool is_log_key(std::string_view routing_key);

}  // namespace wire::amqp
