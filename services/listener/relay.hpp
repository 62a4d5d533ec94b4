#pragma once
// Hands one delivery to the service it is for and settles it by the answer:
//   listener.logs (log.*)     -> POST {LOGGER_URL}/log
//   listener.mail (mail.send) -> POST {MAIL_URL}/send
// with Idempotency-Key = message_id, X-Request-ID and traceparent from the message headers,
// and the internal bearer token when one is configured. The delivery is acked only once the
// service accepted it, or once its republish to a retry queue or the dead-letter exchange
// was confirmed (see verdict.hpp); otherwise it goes back to its queue.
#include <string>

#include "core/amqp/message.hpp"
#include "core/amqp/publisher.hpp"
#include "core/http/client.hpp"
#include "core/runtime/task.hpp"
#include "core/trace/span.hpp"
#include "services/listener/message.hpp"
#include "services/listener/relay_metrics.hpp"
#include "services/listener/verdict.hpp"
#include "wire/amqp/topology.hpp"

namespace listener {

/// Header naming why a message was dead-lettered ("logger answered 400", ...); scripts/dlq
/// shows it and removes it on replay.
inline constexpr std::string_view kDeadReasonHeader = "dead-reason";

struct RelayOptions {
  std::string logger_url;  ///< base URL, no trailing slash
  std::string mail_url;    ///< base URL, no trailing slash
  std::string internal_token;
  core::Duration timeout = std::chrono::seconds(5);  ///< each downstream call and republish
  wire::amqp::Names names;                           ///< where retries and dead letters go
  int max_attempts = wire::amqp::kDefaultDeliveryLimit;
};

/// One per worker: it owns that loop's HTTP client. Outlives every handler it runs.
class Relay {
 public:
  Relay(RelayOptions options, core::amqp::Publisher& publisher);

  /// The consumer handler of both queues.
  core::Task<core::amqp::Outcome> handle(core::amqp::Delivery& d);

 private:
  core::Task<CallResult> call(Forward f, const core::amqp::Delivery& d, QueueMetrics& metrics,
                              const core::trace::Span* parent);
  core::Task<core::amqp::Outcome> retry(core::amqp::Delivery& d, std::string reason,
                                        QueueMetrics& metrics);
  core::Task<core::amqp::Outcome> dead_letter(core::amqp::Delivery& d, std::string reason,
                                              QueueMetrics& metrics);
  wire::http::Headers headers_for(const Forward& f, const core::amqp::Delivery& d,
                                  const core::trace::Span& call) const;
  QueueMetrics& metrics_for(const core::amqp::Delivery& d) noexcept;
  core::metrics::Histogram& latency_for(Target target) noexcept;

  RelayOptions options_;
  core::amqp::Publisher& publisher_;
  core::http::Client http_;
  core::http::HttpUrl log_url_;
  core::http::HttpUrl send_url_;
  QueueMetrics logs_metrics_;
  QueueMetrics mail_metrics_;
  core::metrics::Histogram& logger_latency_;
  core::metrics::Histogram& mail_latency_;
};

}  // namespace listener
