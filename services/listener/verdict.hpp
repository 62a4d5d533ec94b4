#pragma once
// What to do with a message after one attempt to hand it downstream: a small pure decision,
// so that every case is tested without a broker.
//
//   accepted (2xx)                                   -> ack
//   refused for good (4xx other than 408 and 429)    -> dead letter, then ack
//   failed for now (5xx, 408, 429, other statuses,
//   timeout, connection refused or reset, a reply
//   that is not HTTP)                                -> retry queue, then ack
//
// and when the republish to the retry or dead exchange fails (RabbitMQ in trouble), the
// delivery is requeued instead of acked: it is never dropped.
#include <string>
#include <string_view>

namespace listener {

/// How one downstream call ended.
struct CallResult {
  enum class Kind {
    answered,     ///< an HTTP response with `status`
    timed_out,    ///< the deadline passed
    unreachable,  ///< connection refused or reset, unknown host
    bad_reply,    ///< not a usable HTTP response
  };
  Kind kind = Kind::answered;
  int status = 0;
  /// What the service said when it refused (its envelope's message), for people.
  std::string detail;
};

enum class Verdict {
  ack,    ///< the downstream accepted it
  retry,  ///< try again later (the retry plan decides when, or that attempts are used up)
  dead,   ///< it can never succeed: to the dead-letter exchange
};

Verdict verdict_for(const CallResult& result) noexcept;

/// After a republish for `verdict` was attempted: ack when it was confirmed, else requeue.
enum class Settlement { ack, requeue };
Settlement settlement_after_republish(bool confirmed) noexcept;

/// For logs and dead-letter reasons: "mail answered 400: invalid address", "logger timed
/// out", ...
std::string describe(const CallResult& result, std::string_view service);

/// The "message" of a JSON envelope reply, else the start of the body (at most 200 bytes).
std::string reply_detail(std::string_view body);

}  // namespace listener
