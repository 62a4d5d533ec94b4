#include "services/mail/idempotency.hpp"

#include <sodium.h>

#include <algorithm>

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
                                                const Fingerprint& fingerprint) {
  std::lock_guard lock(mu_);
  const Clock::time_point now = now_();
  expire(now);
  if (auto it = entries_.find(key); it != entries_.end()) {
    if (it->second.fingerprint != fingerprint) return {Verdict::mismatch, {}};
    return {it->second.sent ? Verdict::replay : Verdict::in_flight, {}};
  }
  while (!age_.empty() && entries_.size() >= std::max<std::size_t>(options_.max_keys, 1)) {
    erase(entries_.find(*age_.front()));
  }
  auto it = entries_.emplace(key, Entry{fingerprint, false, now, ++next_ticket_, {}}).first;
  it->second.age = age_.insert(age_.end(), &it->first);  // element addresses survive rehashing
  return {Verdict::send, Lease(this, key, it->second.ticket)};
}

std::size_t IdempotencyTable::size() {
  std::lock_guard lock(mu_);
  expire(now_());
  return entries_.size();
}

// A lease whose key was evicted or expired meanwhile (and maybe claimed again by another
// request) no longer matches the entry's ticket and changes nothing.
void IdempotencyTable::mark_sent(const std::string& key, std::uint64_t ticket) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.ticket == ticket) it->second.sent = true;
}

void IdempotencyTable::forget(const std::string& key, std::uint64_t ticket) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.ticket == ticket) erase(it);
}

void IdempotencyTable::expire(Clock::time_point now) {
  // age_ is in order of first request, so the expired entries are at its front.
  while (!age_.empty()) {
    auto it = entries_.find(*age_.front());
    if (now - it->second.since < options_.ttl) break;
    erase(it);
  }
}

void IdempotencyTable::erase(Map::iterator it) {
  age_.erase(it->second.age);
  entries_.erase(it);
}

// Waiting for another request's send

core::Task<IdempotencyTable::Claim> claim_or_wait(IdempotencyTable* table, std::string key,
                                                  Fingerprint fingerprint, core::Duration budget) {
  using namespace std::chrono_literals;
  using Clock = IdempotencyTable::Clock;
  const Clock::time_point deadline = Clock::now() + budget;
  core::Duration step = 5ms;
  for (;;) {
    IdempotencyTable::Claim claim = table->claim(key, fingerprint);
    if (claim.verdict != IdempotencyTable::Verdict::in_flight) co_return claim;
    auto left = std::chrono::duration_cast<core::Duration>(deadline - Clock::now());
    if (left <= 0ms) co_return claim;
    co_await core::sleep(std::min(step, left));
    step = std::min<core::Duration>(step * 2, 100ms);
  }
}

}  // namespace mail
