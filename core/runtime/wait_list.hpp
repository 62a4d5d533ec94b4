#pragma once
/// @file
/// Coroutines of one loop waiting for a condition (a free slot, a connection opening, a
/// consumer going idle). The condition lives with the caller: wake-ups only say "look again",
/// so a waiter re-checks it in a loop:
///
///     while (!ready()) co_await list.wait();
///
/// - notify_one() wakes the longest waiting, notify_all() every waiter; they resume in the
///   order they began waiting, on the next turn of the loop, never inside the notifier's call.
/// - A waiter whose chain is cancelled leaves the list and gets Cancelled (on the next turn);
///   one given a timeout leaves it past the timeout with TimeoutError.
/// - Destroying the list fails its waiters with WaitListGone (on the next turn).
#include <stdexcept>

#include "core/runtime/callback_awaiter.hpp"
#include "core/runtime/timer_handle.hpp"

namespace core {

/// What a waiter gets when its WaitList is destroyed under it.
struct WaitListGone : std::runtime_error {
  WaitListGone() : std::runtime_error("waited-for object destroyed") {}
};

class WaitList {
 public:
  class Waiter final : public CallbackAwaiter<void> {
   public:
    Waiter(WaitList& list, bool cancellable, std::chrono::milliseconds timeout) noexcept
        : CallbackAwaiter<void>(cancellable), list_(&list), timeout_(timeout) {}
    ~Waiter() { unlink(); }

   private:
    friend class WaitList;
    void start() override;
    void stop() noexcept override { unlink(); }
    void unlink() noexcept;
    void wake(Resume how, std::exception_ptr error);
    static void on_timeout(void* self);

    WaitList* list_;
    std::chrono::milliseconds timeout_;
    Waiter* prev_ = nullptr;
    Waiter* next_ = nullptr;
    bool linked_ = false;
    Timer timer_;
  };

  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  ~WaitList();

  /// `co_await list.wait();` until notified, cancelled (Cancelled) or, with a timeout above
  /// zero, past it (TimeoutError).
  Waiter wait(std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) noexcept {
    return Waiter(*this, true, timeout);
  }
  /// Like wait(), but a cancelled chain keeps waiting: for clean-up paths that run after their
  /// own token was cancelled and must still see the condition come true.
  Waiter wait_uncancellable(std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) noexcept {
    return Waiter(*this, false, timeout);
  }

  void notify_one();
  void notify_all();
  bool empty() const noexcept { return head_ == nullptr; }

 private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

}  // namespace core
