#pragma once
/// @file
/// Coroutines waiting for a condition on one loop (a free slot in the confirm window, the
/// connection opening, a consumer going idle). notify_*() resumes waiters on the next turn,
/// never inline; a waiter whose chain is cancelled leaves the list and gets Cancelled.
#include <coroutine>

#include "core/runtime/cancel.hpp"
#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"

namespace core::amqp::detail {

class WaitList {
 public:
  class Awaiter {
   public:
    explicit Awaiter(WaitList& list) : list_(&list) {}
    Awaiter(const Awaiter&) = delete;
    Awaiter& operator=(const Awaiter&) = delete;
    ~Awaiter() { unlink(); }

    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) {
      suspend(h, core::detail::token_of(h));
    }
    void await_resume() const {
      if (cancelled_) throw Cancelled();
    }

   private:
    friend class WaitList;
    void suspend(std::coroutine_handle<> h, CancelToken* token) {
      h_ = h;
      prev_ = list_->tail_;
      if (prev_)
        prev_->next_ = this;
      else
        list_->head_ = this;
      list_->tail_ = this;
      linked_ = true;
      sub_.subscribe(token, &Awaiter::on_cancel, this);
    }
    void unlink() noexcept {
      if (!linked_) return;
      if (prev_)
        prev_->next_ = next_;
      else
        list_->head_ = next_;
      if (next_)
        next_->prev_ = prev_;
      else
        list_->tail_ = prev_;
      prev_ = next_ = nullptr;
      linked_ = false;
    }
    void wake() {
      unlink();
      sub_.reset();
      Loop::current().defer(h_);
    }
    static void on_cancel(void* p) {
      auto* self = static_cast<Awaiter*>(p);
      self->cancelled_ = true;
      if (self->linked_)
        self->wake();
      else
        Loop::current().defer(self->h_);  // subscribed while the token was already cancelled
    }

    WaitList* list_;
    Awaiter* prev_ = nullptr;
    Awaiter* next_ = nullptr;
    bool linked_ = false;
    bool cancelled_ = false;
    std::coroutine_handle<> h_;
    CancelToken::Subscription sub_;
  };

  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;

  /// `co_await list.wait();` suspends until notified (re-check the condition after it).
  Awaiter wait() { return Awaiter(*this); }

  bool empty() const noexcept { return head_ == nullptr; }

  void notify_one() {
    if (head_) head_->wake();
  }
  void notify_all() {
    while (head_) head_->wake();
  }

 private:
  Awaiter* head_ = nullptr;
  Awaiter* tail_ = nullptr;
};

}  // namespace core::amqp::detail
