#include "services/listener/dlq/dead_letter.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/amqp/retry.hpp"
#include "services/listener/relay.hpp"

namespace listener::dlq {

namespace {

// Headers that carry a message's history of failures.
bool is_retry_state(std::string_view key) {
  return key == wire::amqp::kAttemptsHeader || key == wire::amqp::kRetryQueueHeader ||
         key == kDeadReasonHeader || key == "x-death" || key.starts_with("x-first-death-") ||
         key.starts_with("x-last-death-") || key == "x-delivery-count";
}

std::string excerpt_of(std::string_view body, std::size_t limit) {
  std::size_t n = std::min(body.size(), limit);
  // Back off to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (n > 0 && n < body.size() && (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80) --n;
  std::string out(body.substr(0, n));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (n < body.size()) out += "...";
  return out;
}

}  // namespace

DeadLetter describe(const core::amqp::Delivery& d, const wire::amqp::Names& names) {
  DeadLetter letter;
  letter.message_id = d.message_id;
  letter.routing_key = d.routing_key;
  letter.reason = d.header(kDeadReasonHeader);
  if (letter.reason.empty()) {
    const std::string rabbit = d.header("x-first-death-reason");
    if (!rabbit.empty()) letter.reason = "rabbitmq: " + rabbit;
  }
  letter.attempts = core::amqp::attempt_of(d, names) - 1;
  letter.body = d.body;
  return letter;
}

std::string format_line(const DeadLetter& letter, std::size_t excerpt) {
  return fmt::format("{}  {}  attempts={}  reason=\"{}\"  body={}",
                     letter.message_id.empty() ? "-" : letter.message_id, letter.routing_key,
                     letter.attempts, letter.reason.empty() ? "-" : letter.reason,
                     excerpt_of(letter.body, excerpt));
}

core::amqp::Properties replay_properties(core::amqp::Properties props) {
  std::erase_if(props.headers, [](const auto& field) { return is_retry_state(field.first); });
  return props;
}

}  // namespace listener::dlq
