#pragma once
/// @file
/// Coroutines of one loop waiting for an event (a connection opened, a slot freed). Woken
/// coroutines resume in the order they began waiting, on the next turn of the loop, never
/// inside the waker's call.
#include <coroutine>

#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"

namespace core::rpc::detail {

class WaitList {
 public:
  struct Node {
    WaitList* list = nullptr;
    Node* prev = nullptr;
    Node* next = nullptr;
    std::coroutine_handle<> handle;
    CancelToken::Subscription sub;
    bool cancelled = false;
  };

  class Awaiter {
   public:
    Awaiter(WaitList* list, bool cancellable) noexcept : list_(list), cancellable_(cancellable) {}
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) {
      suspend(h, cancellable_ ? core::detail::token_of(h) : nullptr);
    }
    /// Throws Cancelled when the awaiting chain was cancelled first.
    void await_resume() const;

   private:
    void suspend(std::coroutine_handle<> h, CancelToken* token);
    WaitList* list_;
    bool cancellable_;
    Node node_;
  };

  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  ~WaitList() { wake_all(); }

  /// Waits for the next wake_all(); ends early with Cancelled if the chain is cancelled.
  Awaiter wait() noexcept { return Awaiter(this, true); }
  /// Waits for the next wake_all() whatever happens to the chain (for clean-up paths that
  /// run after their own token was cancelled).
  Awaiter wait_uncancellable() noexcept { return Awaiter(this, false); }

  void wake_all();
  bool empty() const noexcept { return head_ == nullptr; }

 private:
  void unlink(Node* n) noexcept;
  Node* head_ = nullptr;
  Node* tail_ = nullptr;
};

}  // namespace core::rpc::detail
