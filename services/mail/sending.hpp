#pragma once
/// @file
/// One mail send, whatever the transport (POST /send, gRPC SendMail): deliver a composed
/// envelope, at most once per idempotency key. The transports only turn the outcome, or the
/// failure, into their own answer.
#include <memory>
#include <string>

#include "core/runtime/timer.hpp"
#include "core/smtp/client.hpp"
#include "core/trace/span.hpp"
#include "services/mail/composer.hpp"
#include "services/mail/idempotency.hpp"

namespace mail {

/// What a send needs: the composer and the key table every worker shares, and this worker's
/// relay client (one pool of SMTP sessions for both transports).
struct Mailer {
  std::shared_ptr<const Composer> composer;
  std::shared_ptr<IdempotencyTable> keys;  // null: keys are ignored
  std::shared_ptr<core::smtp::Client> client;
  core::Duration timeout{};  // the whole send: waiting for a send of the same key, then its own
};

enum class Outcome {
  sent,           // the relay took it
  replayed,       // the key was sent before: nothing sent again
  key_mismatch,   // the key was used with another payload: nothing sent
  still_sending,  // a send of the same key outlived this one's wait: nothing sent
};

/// 24 random hex digits for the Message-ID.
std::string message_token();

/// Hands `envelope` to the relay within the mailer's timeout; with a non-empty `key`, at most
/// once per key (see idempotency.hpp). Throws what delivering threw (TimeoutError,
/// smtp::Error, PoolFull, ...); the key is then forgotten, so a retry sends. The relay is
/// this service's store: its send is a client span under `parent` (when there is one).
core::Task<Outcome> deliver_once(const Mailer& mailer, std::string key, Fingerprint fingerprint,
                                 core::smtp::Envelope envelope, const core::trace::Span* parent);

}  // namespace mail
