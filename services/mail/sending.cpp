#include "services/mail/sending.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/runtime/capture.hpp"
#include "core/trace/semconv.hpp"

namespace mail {

std::string message_token() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string t(24, '0');
  for (auto& c : t) c = hex[rng() & 0xf];
  return t;
}

namespace {

core::Task<void> send_within(core::smtp::Client* client, core::smtp::Envelope envelope, core::Duration timeout) {
  co_await core::with_timeout(client->send(std::move(envelope)), timeout);
}

// Hands the envelope to the relay within `timeout`, under an "smtp send" client span.
core::Task<void> send_traced(const Mailer& mailer, core::smtp::Envelope envelope, core::Duration timeout,
                             const core::trace::Span* parent) {
  core::trace::Span span = parent ? parent->child("smtp send", wire::trace::SpanKind::client) : core::trace::Span();
  span.set("network.protocol.name", std::string("smtp"));
  span.set("messaging.message.body.size", static_cast<std::int64_t>(envelope.message.size()));
  auto sent = co_await core::capture(send_within(mailer.client.get(), std::move(envelope), timeout));
  core::trace::record_exception(span, sent.error);
  if (sent.error) std::rethrow_exception(sent.error);
}

}  // namespace

core::Task<Outcome> deliver_once(const Mailer& mailer, std::string key, Fingerprint fingerprint,
                                 core::smtp::Envelope envelope, const core::trace::Span* parent) {
  if (key.empty() || mailer.keys == nullptr) {
    co_await send_traced(mailer, std::move(envelope), mailer.timeout, parent);
    co_return Outcome::sent;
  }
  const auto start = std::chrono::steady_clock::now();
  IdempotencyTable::Claim claim =
      co_await claim_or_wait(mailer.keys.get(), std::move(key), std::move(fingerprint), mailer.timeout);
  switch (claim.verdict) {
    case IdempotencyTable::Verdict::mismatch:
      co_return Outcome::key_mismatch;
    case IdempotencyTable::Verdict::replay:
      co_return Outcome::replayed;
    case IdempotencyTable::Verdict::in_flight:
      co_return Outcome::still_sending;
    case IdempotencyTable::Verdict::send:
      break;
  }
  // One deadline for the whole send: what waiting used is not given to delivering again.
  auto used = std::chrono::duration_cast<core::Duration>(std::chrono::steady_clock::now() - start);
  co_await send_traced(mailer, std::move(envelope), std::max(mailer.timeout - used, core::Duration(1)), parent);
  claim.lease.sent();  // a failure above leaves without it: the lease forgets the key
  co_return Outcome::sent;
}

}  // namespace mail
