#include "core/net/connection_set.hpp"


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
  if (draining_ && size_ == 0) drained_.notify_all();
}

void ConnectionSet::cut_all() {
  // Cancelling never resumes a coroutine inline (callbacks defer), so no member leaves meanwhile.
  for (Member* m = head_; m; m = m->next_) m->token.cancel();
}

Task<void> ConnectionSet::drain(StopAtDrain stop) {
  draining_ = true;
  for (Member* m = head_; m; m = m->next_) stop(*m);
  if (size_ == 0) co_return;
  struct CutTheRest {
    ConnectionSet* set;
    ~CutTheRest() {
      // Cancelled by the deadline: whatever is still open is cut now.
      set->cut_all();
    }
  } cut_the_rest{this};
  while (size_ > 0) co_await drained_.wait();
}

}  // namespace core
