#include "core/rpc/wait_list.hpp"

namespace core::rpc::detail {

void WaitList::Awaiter::suspend(std::coroutine_handle<> h, CancelToken* token) {
  // Appended at the tail: waiters resume in the order they came.
  node_.list = list_;
  node_.handle = h;
  node_.prev = list_->tail_;
  if (list_->tail_)
    list_->tail_->next = &node_;
  else
    list_->head_ = &node_;
  list_->tail_ = &node_;
  node_.sub.subscribe(
      token,
      [](void* p) {
        auto* n = static_cast<Node*>(p);
        if (n->list == nullptr) return;
        n->list->unlink(n);
        n->cancelled = true;
        Loop::current().defer(n->handle);
      },
      &node_);
}

void WaitList::Awaiter::await_resume() const {
  if (node_.cancelled) throw Cancelled();
}

void WaitList::unlink(Node* n) noexcept {
  if (n->prev)
    n->prev->next = n->next;
  else
    head_ = n->next;
  if (n->next)
    n->next->prev = n->prev;
  else
    tail_ = n->prev;
  n->prev = n->next = nullptr;
  n->list = nullptr;
}

void WaitList::wake_all() {
  while (head_) {
    Node* n = head_;
    unlink(n);
    n->sub.reset();
    Loop::current().defer(n->handle);
  }
}

}  // namespace core::rpc::detail
