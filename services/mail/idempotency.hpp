#pragma once
// Idempotency-Key on POST /send: the first request with a key sends and the success is
// remembered; a repeat within the retention window answers that 202 again without sending. The
// listener relies on it when it retries an AMQP message whose answer it did not get in time.
//
// Per process and in memory: replicas do not share the table and a restart forgets it. The
// logger's dedup is durable (the key becomes the entry's _id); this one is a best-effort window
// (MAIL_IDEMPOTENCY_TTL from the first request, at most MAIL_IDEMPOTENCY_MAX keys, the oldest
// evicted first). One table serves every worker of the process. A send that fails, times out or
// is abandoned is not remembered: the retry sends (at least once, as before).
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"
#include "wire/contracts/payloads.hpp"
#include "wire/http/idempotency_key.hpp"
#include "wire/result.hpp"

namespace mail {

/// "Idempotency-Key": absent -> "", 1..128 visible ASCII characters, else a 400 naming it.
using wire::http::parse_idempotency_key;

/// A hash of the payload's fields (not of the JSON text, so key order and spacing do not
/// matter): a key reused with another payload is told apart by it.
using Fingerprint = std::array<unsigned char, 16>;
Fingerprint fingerprint(const wire::contracts::MailPayload& payload);

struct IdempotencyOptions {
  std::chrono::milliseconds ttl{std::chrono::hours(24)};  // MAIL_IDEMPOTENCY_TTL
  std::size_t max_keys = 100000;                          // MAIL_IDEMPOTENCY_MAX
};

class IdempotencyTable;

/// Ownership of a key being sent. Either sent() remembers the success, or the key is
/// forgotten when the lease goes away (a failed or abandoned send), so a retry sends again.
class Lease {
 public:
  Lease() = default;
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  bool owns() const noexcept { return table_ != nullptr; }
  void sent();

 private:
  friend class IdempotencyTable;
  Lease(IdempotencyTable* table, std::string key, std::uint64_t ticket)
      : table_(table), key_(std::move(key)), ticket_(ticket) {}
  void release() noexcept;

  IdempotencyTable* table_ = nullptr;
  std::string key_;
  std::uint64_t ticket_ = 0;
};

class IdempotencyTable {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  explicit IdempotencyTable(IdempotencyOptions options, Now now = &Clock::now);
  IdempotencyTable(const IdempotencyTable&) = delete;
  IdempotencyTable& operator=(const IdempotencyTable&) = delete;

  enum class Verdict {
    send,       ///< the caller owns the key now (Claim::lease): send, then lease.sent()
    replay,     ///< sent before: answer the remembered 202 without sending
    in_flight,  ///< another request is sending it: ask again later
    mismatch,   ///< the key was used with another payload: 422
  };
  struct Claim {
    Verdict verdict;
    Lease lease;  // owns the key only for Verdict::send
  };

  /// Called once, on whichever thread ends it, when the send a Verdict::in_flight answer
  /// waits for ends (sent, failed, abandoned, evicted or expired). It must not call back into
  /// the table.
  using OnEnd = std::function<void()>;

  /// Thread-safe; never blocks for longer than the table's own bookkeeping. With on_end, an
  /// in_flight answer also registers it on the key.
  Claim claim(const std::string& key, const Fingerprint& fingerprint, OnEnd on_end = {});

  /// Keys held (sent or in flight), after dropping the expired ones.
  std::size_t size();

 private:
  friend class Lease;
  struct Entry {
    Fingerprint fingerprint;
    bool sent = false;
    Clock::time_point since;  // the first request: retention counts from here
    std::uint64_t ticket = 0;
    std::list<const std::string*>::iterator age;  // its place in age_
    std::vector<OnEnd> on_end;                     // requests waiting for this send to end
  };
  using Map = std::unordered_map<std::string, Entry>;
  /// Callbacks taken out under the lock, called after it is released.
  using Due = std::vector<OnEnd>;

  void mark_sent(const std::string& key, std::uint64_t ticket);
  void forget(const std::string& key, std::uint64_t ticket);
  void expire(Clock::time_point now, Due& due);
  void erase(Map::iterator it, Due& due);
  static void run(Due& due);

  const IdempotencyOptions options_;
  const Now now_;
  std::mutex mu_;
  Map entries_;
  std::list<const std::string*> age_;  // keys (owned by entries_), oldest first
  std::uint64_t next_ticket_ = 0;
};

/// Claims `key`; while another request (on any worker) is sending it, waits without blocking
/// the loop until that send ends (the ending thread posts a wake-up to this loop) or `budget`
/// runs out, then returns the last verdict (Verdict::in_flight when the budget ran out).
core::Task<IdempotencyTable::Claim> claim_or_wait(IdempotencyTable* table, std::string key,
                                                  Fingerprint fingerprint, core::Duration budget);

}  // namespace mail
