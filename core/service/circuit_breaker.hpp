#pragma once
// A per-worker circuit breaker for one downstream: after `threshold` consecutive failures it
// opens for `open_for`, failing calls at once (503 without waiting out a deadline); then one
// trial call is let through (half-open), and its outcome closes or re-opens the circuit.
// A breaker given a target name counts itself in circuit_breaker_open{target} while it is open
// or half-open, so the gauge says how many workers refuse calls to that target.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "core/metrics/metrics.hpp"

namespace core::service {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit CircuitBreaker(int threshold = 5, std::chrono::milliseconds open_for = std::chrono::seconds(1))
      : threshold_(threshold), open_for_(open_for) {}
  /// Reported in circuit_breaker_open{target}.
  explicit CircuitBreaker(std::string_view target, int threshold = 5,
                          std::chrono::milliseconds open_for = std::chrono::seconds(1));
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;
  ~CircuitBreaker() { set_tripped(false); }

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
    set_tripped(false);
  }

  void failure(Clock::time_point now = Clock::now()) {
    trial_in_flight_ = false;
    if (++failures_ >= threshold_) {
      open_until_ = now + open_for_;
      set_tripped(true);
    }
  }

  bool open(Clock::time_point now = Clock::now()) const { return failures_ >= threshold_ && now < open_until_; }

 private:
  void set_tripped(bool tripped) noexcept {
    if (gauge_ == nullptr || tripped == tripped_) return;
    tripped_ = tripped;
    if (tripped) gauge_->inc(); else gauge_->dec();
  }

  metrics::Gauge* gauge_ = nullptr;
  bool tripped_ = false;
  int threshold_;
  std::chrono::milliseconds open_for_;
  int failures_ = 0;
  bool trial_in_flight_ = false;
  Clock::time_point open_until_{};
};

}  // namespace core::service
