#pragma once
// Cancellation that flows down a chain of awaiting coroutines without being passed by hand:
// every Task inherits the token of the coroutine that awaits it, and every leaf awaitable
// (timer, socket read, pool offload, ...) subscribes to it while it is suspended.
#include <stdexcept>

namespace core {

/// Thrown out of a leaf awaitable whose token was cancelled.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("operation cancelled") {}
};

/// Thrown by with_timeout() when the deadline passed first.
struct TimeoutError : std::runtime_error {
  TimeoutError() : std::runtime_error("deadline exceeded") {}
};

/// A cancellation flag with an intrusive list of callbacks. Single-threaded (one loop).
class CancelToken {
 public:
  /// A callback slot owned by whoever subscribes; unsubscribes itself when destroyed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }

    /// Calls fn(arg) once when token is cancelled (at once if it already is).
    void subscribe(CancelToken* token, void (*fn)(void*), void* arg) {
      reset();
      if (token == nullptr) return;
      fn_ = fn;
      arg_ = arg;
      if (token->cancelled_) {
        fn(arg);
        return;
      }
      token_ = token;
      next_ = token->head_;
      if (next_) next_->prev_ = this;
      token->head_ = this;
    }

    void reset() {
      if (!token_) return;
      if (prev_) prev_->next_ = next_;
      else token_->head_ = next_;
      if (next_) next_->prev_ = prev_;
      token_ = nullptr;
      prev_ = next_ = nullptr;
    }

   private:
    friend class CancelToken;
    CancelToken* token_ = nullptr;
    Subscription* prev_ = nullptr;
    Subscription* next_ = nullptr;
    void (*fn_)(void*) = nullptr;
    void* arg_ = nullptr;
  };

  CancelToken() = default;
  /// A child token: cancelled when the parent is, or on its own.
  explicit CancelToken(CancelToken* parent) { link_.subscribe(parent, &CancelToken::on_parent, this); }
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;
  ~CancelToken() {
    while (head_) head_->reset();
  }

  /// Makes this token follow parent (which may be null) from now on.
  void attach(CancelToken* parent) { link_.subscribe(parent, &CancelToken::on_parent, this); }

  bool cancelled() const noexcept { return cancelled_; }

  void cancel() {
    if (cancelled_) return;
    cancelled_ = true;
    // Callbacks must not resume coroutines inline (they defer to the loop), so the token
    // outlives this loop.
    while (head_) {
      Subscription* s = head_;
      s->reset();
      s->fn_(s->arg_);
    }
  }

 private:
  static void on_parent(void* self) { static_cast<CancelToken*>(self)->cancel(); }
  bool cancelled_ = false;
  Subscription* head_ = nullptr;
  Subscription link_;
};

}  // namespace core
