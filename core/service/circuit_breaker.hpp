#pragma once
// A per-worker circuit breaker for one downstream: after `threshold` consecutive failures it
// opens for `open_for`, failing calls at once (503 without waiting out a deadline); then one
// trial call is let through (half-open), and its outcome closes or re-opens the circuit.
#include <chrono>
#include <cstdint>

namespace core::service {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit CircuitBreaker(int threshold = 5, std::chrono::milliseconds open_for = std::chrono::seconds(1))
      : threshold_(threshold), open_for_(open_for) {}

  /// May a call go out now? (In half-open state only one trial at a time.)
  bool allow(Clock::time_point now = Clock::now()) {
    if (failures_ < threshold_) return true;
    if (now < open_until_ || trial_in_flight_) return false;
    trial_in_flight_ = true;
    return true;
  }

  void success() {
    failures_ = 0;
    trial_in_flight_ = false;
  }

  void failure(Clock::time_point now = Clock::now()) {
    trial_in_flight_ = false;
    if (++failures_ >= threshold_) open_until_ = now + open_for_;
  }

  bool open(Clock::time_point now = Clock::now()) const { return failures_ >= threshold_ && now < open_until_; }

 private:
  int threshold_;
  std::chrono::milliseconds open_for_;
  int failures_ = 0;
  bool trial_in_flight_ = false;
  Clock::time_point open_until_{};
};

}  // namespace core::service
