#include "services/mail/idempotency.hpp"

#include <sodium.h>

#include <algorithm>

#include "core/runtime/loop.hpp"
#include "core/runtime/wait_list.hpp"

namespace mail {

namespace {

void hash_field(crypto_generichash_state* state, const std::string& field) {
  // Length first, so that ("ab", "c") and ("a", "bc") differ.
  unsigned char size[8];
  std::uint64_t n = field.size();
  for (auto& b : size) {
    b = static_cast<unsigned char>(n & 0xff);
    n >>= 8;
  }
  crypto_generichash_update(state, size, sizeof size);
  crypto_generichash_update(state, reinterpret_cast<const unsigned char*>(field.data()),
                            field.size());
}

}  // namespace

Fingerprint fingerprint(const wire::contracts::MailPayload& payload) {
  crypto_generichash_state state;
  Fingerprint out{};
  crypto_generichash_init(&state, nullptr, 0, out.size());
  for (const std::string* f : {&payload.from, &payload.to, &payload.subject, &payload.message}) {
    hash_field(&state, *f);
  }
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

// Lease

Lease::Lease(Lease&& other) noexcept
    : table_(std::exchange(other.table_, nullptr)),
      key_(std::move(other.key_)),
      ticket_(other.ticket_) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    table_ = std::exchange(other.table_, nullptr);
    key_ = std::move(other.key_);
    ticket_ = other.ticket_;
  }
  return *this;
}

Lease::~Lease() { release(); }

void Lease::sent() {
  if (table_ == nullptr) return;
  std::exchange(table_, nullptr)->mark_sent(key_, ticket_);
}

void Lease::release() noexcept {
  if (table_ == nullptr) return;
  std::exchange(table_, nullptr)->forget(key_, ticket_);
}

// IdempotencyTable

IdempotencyTable::IdempotencyTable(IdempotencyOptions options, Now now)
    : options_(options), now_(std::move(now)) {}

IdempotencyTable::Claim IdempotencyTable::claim(const std::string& key,
                                                const Fingerprint& fingerprint, OnEnd on_end) {
  Due due;
  Claim result{Verdict::send, {}};
  {
    std::lock_guard lock(mu_);
    const Clock::time_point now = now_();
    expire(now, due);
    if (auto it = entries_.find(key); it != entries_.end()) {
      if (it->second.fingerprint != fingerprint) {
        result.verdict = Verdict::mismatch;
      } else if (it->second.sent) {
        result.verdict = Verdict::replay;
      } else {
        result.verdict = Verdict::in_flight;
        if (on_end) it->second.on_end.push_back(std::move(on_end));
      }
    } else {
      while (!age_.empty() && entries_.size() >= std::max<std::size_t>(options_.max_keys, 1)) {
        erase(entries_.find(*age_.front()), due);
      }
      auto added = entries_.emplace(key, Entry{fingerprint, false, now, ++next_ticket_, {}, {}}).first;
      added->second.age = age_.insert(age_.end(), &added->first);  // addresses survive rehashing
      result.lease = Lease(this, key, added->second.ticket);
    }
  }
  run(due);
  return result;
}

std::size_t IdempotencyTable::size() {
  Due due;
  std::size_t n = 0;
  {
    std::lock_guard lock(mu_);
    expire(now_(), due);
    n = entries_.size();
  }
  run(due);
  return n;
}

// A lease whose key was evicted or expired meanwhile (and maybe claimed again by another
// request) no longer matches the entry's ticket and changes nothing.
void IdempotencyTable::mark_sent(const std::string& key, std::uint64_t ticket) {
  Due due;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.ticket == ticket) {
      it->second.sent = true;
      due.swap(it->second.on_end);
    }
  }
  run(due);
}

void IdempotencyTable::forget(const std::string& key, std::uint64_t ticket) {
  Due due;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.ticket == ticket) erase(it, due);
  }
  run(due);
}

void IdempotencyTable::expire(Clock::time_point now, Due& due) {
  // age_ is in order of first request, so the expired entries are at its front.
  while (!age_.empty()) {
    auto it = entries_.find(*age_.front());
    if (now - it->second.since < options_.ttl) break;
    erase(it, due);
  }
}

void IdempotencyTable::erase(Map::iterator it, Due& due) {
  for (auto& f : it->second.on_end) due.push_back(std::move(f));
  age_.erase(it->second.age);
  entries_.erase(it);
}

void IdempotencyTable::run(Due& due) {
  for (auto& f : due) f();
}

// Waiting for another request's send

namespace {

// The requests of this thread's loop waiting for a send to end: one list per worker, woken as
// a whole (each waiter claims its own key again).
core::WaitList& sends_ended() {
  thread_local core::WaitList list;
  return list;
}

}  // namespace

core::Task<IdempotencyTable::Claim> claim_or_wait(IdempotencyTable* table, std::string key,
                                                  Fingerprint fingerprint, core::Duration budget) {
  using namespace std::chrono_literals;
  using Clock = IdempotencyTable::Clock;
  const Clock::time_point deadline = Clock::now() + budget;
  std::shared_ptr<core::Loop::Remote> loop = core::Loop::current().remote();
  auto wake = [loop] { loop->post([] { sends_ended().notify_all(); }); };
  for (;;) {
    // Registered under the table's lock with the verdict, so an end that comes before the
    // wait below still wakes it: the posted notify runs on a later turn of this loop.
    IdempotencyTable::Claim claim = table->claim(key, fingerprint, wake);
    if (claim.verdict != IdempotencyTable::Verdict::in_flight) co_return claim;
    auto left = std::chrono::duration_cast<core::Duration>(deadline - Clock::now());
    if (left <= 0ms) co_return claim;
    try {
      co_await sends_ended().wait(left);
    } catch (const core::TimeoutError&) {
    }
  }
}

}  // namespace mail
