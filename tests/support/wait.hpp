#pragma once
// Waiting in tests without betting on the clock: a Gate that one thread opens and another waits
// on, and polls that give up after a generous limit, so a broken test fails with a message
// instead of hanging. The limits only bound a failure; a passing test never waits for them.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"

namespace test_support {

/// Far above anything a loaded machine or a sanitizer build needs, below ctest's TIMEOUT.
inline constexpr std::chrono::milliseconds kPatience{30'000};

/// A one-shot signal between threads.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool is_open() const {
    std::lock_guard lock(mu_);
    return open_;
  }
  /// True when opened within limit.
  bool wait_for(std::chrono::milliseconds limit = kPatience) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return open_; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool open_ = false;
};

/// Polls pred on the calling thread (not a loop's) until it holds; false after limit.
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit = kPatience) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

/// The same from a coroutine: sleeps on its loop between tries, so the loop keeps running.
inline core::Task<bool> eventually(std::function<bool()> pred, std::chrono::milliseconds limit = kPatience) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    co_await core::sleep(core::Duration(1));
  }
  co_return true;
}

}  // namespace test_support
