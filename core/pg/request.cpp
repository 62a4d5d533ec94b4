#include "core/pg/request.hpp"

#include <utility>

#include "core/pg/pool.hpp"
#include "core/pg/query_metrics.hpp"

namespace core::pg {

void Request::finish(std::exception_ptr e) {
  if (stage == Stage::done) return;
  stage = Stage::done;
  error = std::move(e);
  if (pool) pool->publish_stats();
  if (abandoned) return;  // counted as cancelled when the awaiter gave up
  if (pool) pool->metrics_->record(name, QueryMetrics::outcome_of(error));
  if (RequestAwaiter* a = std::exchange(awaiter, nullptr)) a->finished(error);
}

void RequestAwaiter::start() {
  req_->awaiter = this;
  req_->pool->submit(req_);  // throws (queue full, pinned connection lost) before queueing
}

void RequestAwaiter::stop() {
  req_->awaiter = nullptr;
  req_->abandoned = true;
  req_->pool->metrics_->record(req_->name, QueryMetrics::kCancelled);
  req_->pool->withdraw(*req_);
}

void RequestAwaiter::finished(std::exception_ptr error) {
  // Never inline: the caller is mid-way through libpq.
  if (error) {
    fail(Resume::next_turn, std::move(error));
  } else {
    complete(Resume::next_turn);
  }
}

}  // namespace core::pg
