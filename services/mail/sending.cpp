#include "services/mail/sending.hpp"

#include <algorithm>
#include <chrono>
#include <random>

namespace mail {

std::string message_token() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string t(24, '0');
  for (auto& c : t) c = hex[rng() & 0xf];
  return t;
}

core::Task<Outcome> deliver_once(const Mailer& mailer, std::string key, Fingerprint fingerprint,
                                 core::smtp::Envelope envelope) {
  if (key.empty() || mailer.keys == nullptr) {
    co_await core::with_timeout(mailer.client->send(std::move(envelope)), mailer.timeout);
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
  co_await core::with_timeout(mailer.client->send(std::move(envelope)),
                              std::max(mailer.timeout - used, core::Duration(1)));
  claim.lease.sent();  // a failure above leaves without it: the lease forgets the key
  co_return Outcome::sent;
}

}  // namespace mail
