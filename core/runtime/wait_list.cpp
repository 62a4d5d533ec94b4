#include "core/runtime/wait_list.hpp"

namespace core {

void WaitList::Waiter::start() {
  prev_ = list_->tail_;  // at the tail: waiters resume in the order they came
  if (prev_)
    prev_->next_ = this;
  else
    list_->head_ = this;
  list_->tail_ = this;
  linked_ = true;
  if (timeout_.count() > 0) timer_.start(timeout_, &Waiter::on_timeout, this);
}

void WaitList::Waiter::unlink() noexcept {
  timer_.close();
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

void WaitList::Waiter::wake(Resume how, std::exception_ptr error) {
  unlink();
  if (error)
    fail(how, std::move(error));
  else
    complete(how);
}

void WaitList::Waiter::on_timeout(void* self) {
  // From the timer's callback: nothing of another coroutine is on the stack.
  static_cast<Waiter*>(self)->wake(Resume::now, std::make_exception_ptr(TimeoutError()));
}

WaitList::~WaitList() {
  if (head_ == nullptr) return;
  auto gone = std::make_exception_ptr(WaitListGone());
  while (head_) head_->wake(Resume::next_turn, gone);
}

void WaitList::notify_one() {
  if (head_) head_->wake(Resume::next_turn, nullptr);
}

void WaitList::notify_all() {
  while (head_) head_->wake(Resume::next_turn, nullptr);
}

}  // namespace core
