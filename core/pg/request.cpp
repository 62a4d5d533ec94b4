#include "core/pg/request.hpp"

#include "core/pg/pool.hpp"
#include "core/pg/query_metrics.hpp"
#include "core/runtime/loop.hpp"

namespace core::pg {

void Request::finish(std::exception_ptr e) {
  if (stage == Stage::done) return;
  stage = Stage::done;
  error = std::move(e);
  cancel_sub.reset();
  if (pool) pool->publish_stats();
  if (abandoned) return;  // counted as cancelled when the awaiter gave up
  if (pool) pool->metrics_->record(name, QueryMetrics::outcome_of(error));
  if (waiter) Loop::current().defer(waiter);
}

bool RequestAwaiter::suspend(std::coroutine_handle<> h, CancelToken* token) {
  if (token && token->cancelled()) {
    cancelled_ = true;
    return false;
  }
  req_->waiter = h;
  req_->pool->submit(req_);  // throws (queue full, pinned connection lost) before queueing
  if (req_->stage != Request::Stage::done) {
    req_->cancel_sub.subscribe(token, &RequestAwaiter::on_cancel, req_.get());
  }
  return true;
}

void RequestAwaiter::on_cancel(void* request) {
  auto* req = static_cast<Request*>(request);
  if (req->stage == Request::Stage::done) return;
  req->abandoned = true;
  req->pool->metrics_->record(req->name, QueryMetrics::kCancelled);
  req->pool->withdraw(*req);
  // Never resume inside CancelToken::cancel(): the canceller's frame may be gone by then.
  Loop::current().defer(req->waiter);
}

void RequestAwaiter::await_resume() {
  if (cancelled_ || req_->abandoned) throw Cancelled();
  if (req_->error) std::rethrow_exception(req_->error);
}

}  // namespace core::pg
