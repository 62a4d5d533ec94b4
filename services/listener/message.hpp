#pragma once
// What a delivery asks for, decided from its routing key and body alone (no I/O): a log entry
// for the logger (log.<LEVEL>, {"name","data"}) or a mail for the mail service (mail.send,
// {"from","to","subject","message"}). A message that fails here can never succeed: it goes
// to the dead-letter exchange without being retried.
#include <string>
#include <string_view>

#include "wire/result.hpp"

namespace listener {

enum class Target { logger, mail };

/// The downstream call a message turns into.
struct Forward {
  Target target = Target::logger;
  /// The payload re-encoded from its parsed fields: the downstream gets exactly its contract.
  std::string body;
  /// The message_id as Idempotency-Key ("" when the message has none).
  std::string idempotency_key;
};

/// Decodes a delivery. Errors (code 400) say why it is unusable: unknown routing key, body not
/// JSON, a missing or mistyped field, a message_id that cannot be an Idempotency-Key.
wire::Result<Forward> parse_message(std::string_view routing_key, std::string_view body,
                                    std::string_view message_id);

/// "logger" or "mail": the service a target names (metrics, logs, reasons).
std::string_view service_name(Target target) noexcept;

}  // namespace listener
