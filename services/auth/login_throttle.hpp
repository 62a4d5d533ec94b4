#pragma once
// The failed-login throttle of POST /authenticate, keyed by email and client address together
// (so nobody can lock a user out from another address): after `max_failures` failures, none
// more than `window` after the one before, further attempts of that pair are refused with 429
// and Retry-After, for a lockout that doubles with every failure past the limit (up to
// `max_lockout`). A pair that stays quiet for `window` starts over. The check comes
// before the user is looked up, so the answer and its timing are the same whether or not the
// email exists. One per process (shared by the workers), bounded in memory.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace auth {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    int max_failures = 5;
    Clock::duration window = std::chrono::minutes(15);
    Clock::duration first_lockout = std::chrono::seconds(30);
    Clock::duration max_lockout = std::chrono::minutes(15);
    std::size_t max_keys = 100000;  // least recently failed dropped first
  };

  LoginThrottle() : LoginThrottle(Options{}) {}
  explicit LoginThrottle(Options options) : options_(options) {}

  /// Whole seconds before this pair may try again; 0 when it may now.
  int retry_after(std::string_view email, std::string_view client, Clock::time_point now = Clock::now());
  /// A wrong password (or unknown email, or inactive user) for this pair.
  void failed(std::string_view email, std::string_view client, Clock::time_point now = Clock::now());
  /// A successful login forgets the pair's failures.
  void succeeded(std::string_view email, std::string_view client);

  std::size_t keys() const;

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last_failure;
    Clock::time_point locked_until;
    std::list<std::string>::iterator lru;
  };
  static std::string key(std::string_view email, std::string_view client);

  Options options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // front: most recent failure
};

}  // namespace auth
