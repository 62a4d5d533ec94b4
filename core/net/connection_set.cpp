#include "core/net/connection_set.hpp"

#include <utility>

#include "core/runtime/loop.hpp"

namespace core {

ConnectionSet::Member::~Member() {
  if (set_) set_->remove(*this);
}

void ConnectionSet::cut_if_idle(Member& m) {
  if (!m.busy) m.token.cancel();
}

ConnectionSet::~ConnectionSet() {
  // Detach them all before cancelling any, so that nothing a cancellation sets off can reach
  // this set through a member.
  for (Member* m = head_; m; m = m->next_) m->set_ = nullptr;
  for (Member* m = head_; m;) {
    Member* next = m->next_;
    m->prev_ = m->next_ = nullptr;
    m->token.cancel();
    m = next;
  }
}

void ConnectionSet::add(Member& m) noexcept {
  m.set_ = this;
  m.prev_ = nullptr;
  m.next_ = head_;
  if (head_) head_->prev_ = &m;
  head_ = &m;
  ++size_;
}

void ConnectionSet::remove(Member& m) noexcept {
  if (m.prev_)
    m.prev_->next_ = m.next_;
  else
    head_ = m.next_;
  if (m.next_) m.next_->prev_ = m.prev_;
  m.set_ = nullptr;
  --size_;
  if (draining_ && size_ == 0 && drain_waiter_)
    Loop::current().defer(std::exchange(drain_waiter_, {}));
}

void ConnectionSet::cut_all() {
  // Cancelling never resumes a coroutine inline (callbacks defer), so no member leaves meanwhile.
  for (Member* m = head_; m; m = m->next_) m->token.cancel();
}

namespace {

// Waits for the last member to leave; a cancellation (the caller's deadline) ends the wait.
struct DrainWait {
  std::coroutine_handle<>* slot;
  CancelToken::Subscription sub{};
  bool cancelled = false;
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    *slot = h;
    sub.subscribe(detail::token_of(h), &DrainWait::on_cancel, this);
  }
  void await_resume() const {
    if (cancelled) throw Cancelled();
  }
  static void on_cancel(void* p) {
    auto* self = static_cast<DrainWait*>(p);
    if (!*self->slot) return;  // already woken by the last member
    self->cancelled = true;
    Loop::current().defer(std::exchange(*self->slot, {}));
  }
};

}  // namespace

Task<void> ConnectionSet::drain(StopAtDrain stop) {
  draining_ = true;
  for (Member* m = head_; m; m = m->next_) stop(*m);
  if (size_ == 0) co_return;
  struct CutTheRest {
    ConnectionSet* set;
    ~CutTheRest() {
      // Cancelled by the deadline: whatever is still open is cut now.
      set->drain_waiter_ = {};
      set->cut_all();
    }
  } cut_the_rest{this};
  co_await DrainWait{&drain_waiter_};
}

}  // namespace core
