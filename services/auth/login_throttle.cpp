#include "services/auth/login_throttle.hpp"

#include <algorithm>
#include <cctype>

namespace auth {

std::string LoginThrottle::key(std::string_view email, std::string_view client) {
  // Emails compare case-insensitively here: "A@x" must not be a fresh key for "a@x".
  std::string k;
  k.reserve(email.size() + 1 + client.size());
  for (char c : email) k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  k.push_back('\n');  // never part of an email that passed the contract
  k.append(client);
  return k;
}

int LoginThrottle::retry_after(std::string_view email, std::string_view client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key(email, client));
  if (it == entries_.end() || now >= it->second.locked_until) return 0;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.locked_until - now);
  return static_cast<int>((wait.count() + 999) / 1000);
}

void LoginThrottle::failed(std::string_view email, std::string_view client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::string k = key(email, client);
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_keys && !lru_.empty()) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(k);
    it = entries_.emplace(std::move(k), Entry{0, now, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Entry& e = it->second;
  // A pair quiet for the whole window starts over (a running lockout is never cut short).
  if (now - e.last_failure > options_.window && now >= e.locked_until) e.failures = 0;
  e.last_failure = now;
  ++e.failures;
  if (e.failures < options_.max_failures) return;
  const int doublings = std::min(e.failures - options_.max_failures, 30);
  Clock::duration lockout = options_.first_lockout;
  for (int i = 0; i < doublings && lockout < options_.max_lockout; ++i) lockout *= 2;
  e.locked_until = now + std::min(lockout, options_.max_lockout);
}

void LoginThrottle::succeeded(std::string_view email, std::string_view client) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key(email, client));
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t LoginThrottle::keys() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace auth
