#include "core/pg/pool.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/pg/cancel.hpp"
#include "core/pg/connection.hpp"
#include "core/pg/conninfo.hpp"
#include "core/pg/pool_metrics.hpp"
#include "core/pg/query_metrics.hpp"
#include "core/pg/request.hpp"

namespace core::pg {

Pool::Pool(PoolOptions options)
    : options_(std::move(options)),
      conninfo_(std::make_unique<ConnInfo>(options_.dsn)),
      canceller_(std::make_unique<CancelSender>()),
      metrics_(std::make_unique<QueryMetrics>()),
      pool_metrics_(std::make_unique<PoolMetrics>()) {
  if (options_.size == 0) throw std::invalid_argument("pg pool size must be at least 1");
  if (options_.max_pipeline_depth == 0) {
    throw std::invalid_argument("pg max_pipeline_depth must be at least 1");
  }
  for (std::size_t i = 0; i < options_.size; ++i) {
    conns_.push_back(
        std::make_unique<Connection>(static_cast<int>(i), options_, *conninfo_, *canceller_,
                                     [this](Connection& conn) { on_connection_change(conn); }));
  }
  for (auto& conn : conns_) conn->start();
}

Pool::~Pool() {
  closing_ = true;
  for (auto& conn : conns_) conn->close("pool closed");
  for (auto* list : {&waiting_, &waiting_pins_}) {
    auto reqs = std::move(*list);
    list->clear();
    for (auto& req : reqs) req->finish(std::make_exception_ptr(ConnectionError("pool closed")));
  }
}

std::shared_ptr<Request> Pool::make_request(std::vector<Query> queries, const char* name) {
  for (const Query& q : queries) {
    if (q.prepared && static_cast<int>(q.params.size()) != q.statement.param_count) {
      throw std::invalid_argument(fmt::format("statement {} takes {} parameters, given {}",
                                              q.statement.name, q.statement.param_count,
                                              q.params.size()));
    }
  }
  return std::make_shared<Request>(this, std::move(queries), name);
}

Task<std::vector<Result>> Pool::run(std::shared_ptr<Request> req) {
  co_await RequestAwaiter(req);
  co_return std::move(req->results);
}

Task<Result> Pool::execute(Statement statement, Params params) {
  auto req = make_request({Query(statement, std::move(params))}, statement.name);
  co_await RequestAwaiter(req);
  co_return std::move(req->results.front());
}

Task<Result> Pool::query(std::string sql, Params params) {
  auto req = make_request({Query(std::move(sql), std::move(params))}, "query");
  co_await RequestAwaiter(req);
  co_return std::move(req->results.front());
}

Task<std::vector<Result>> Pool::transaction(std::vector<Query> queries) {
  if (queries.empty()) co_return std::vector<Result>{};
  co_return co_await run(make_request(std::move(queries), "transaction"));
}

Task<Pinned> Pool::pin() {
  auto req = make_request({}, "pin");
  req->pin = true;
  co_await RequestAwaiter(req);
  co_return Pinned(this, req->target, req->session);
}

Task<bool> Pool::ping() {
  try {
    co_await query("select 1");
    co_return true;
  } catch (const Error&) {
    co_return false;
  }
}

void Pool::publish_stats() noexcept {
  PoolStats s = stats();
  pool_metrics_->publish(s.live, s.in_flight, s.waiting);
}

PoolStats Pool::stats() const {
  PoolStats s;
  for (const auto& conn : conns_) {
    if (conn->ready()) s.live++;
    s.in_flight += conn->in_flight();
  }
  s.waiting = waiting_.size() + waiting_pins_.size();
  return s;
}

// --- dispatching -------------------------------------------------------------------------

Connection* Pool::least_loaded(bool for_pin) const {
  Connection* best = nullptr;
  for (const auto& conn : conns_) {
    if (!conn->ready() || conn->pinned) continue;
    if (!for_pin && conn->in_flight() >= options_.max_pipeline_depth) continue;
    if (!best || conn->in_flight() < best->in_flight()) best = conn.get();
  }
  return best;
}

bool Pool::grant(const std::shared_ptr<Request>& req, Connection* conn) {
  if (req->pin) {
    conn->pinned = true;
    req->target = conn;
    req->session = conn->session();
    req->finish(nullptr);
  } else {
    conn->send(req);
  }
  return true;
}

void Pool::submit(const std::shared_ptr<Request>& req) {
  if (closing_) throw ConnectionError("pool closed");
  if (req->target) {
    Connection* conn = req->target;
    if (!conn->ready() || !conn->pinned || conn->session() != req->session) {
      throw ConnectionError("pinned connection lost: " + conn->last_error());
    }
    conn->send(req);
    dispatch_waiting();  // sending reads what has arrived, which may have freed slots
    return;
  }
  auto& queue = req->pin ? waiting_pins_ : waiting_;
  // Only when nobody is queued ahead, so that waiting requests are served in order.
  if (queue.empty()) {
    if (Connection* conn = least_loaded(req->pin)) {
      pool_metrics_->observe_wait(0);
      grant(req, conn);
      dispatch_waiting();  // sending reads what has arrived, which may have freed slots
      publish_stats();
      return;
    }
  }
  if (queue.size() >= options_.max_waiting) {
    throw PoolTimeout(fmt::format("pg pool queue is full ({} waiting)", queue.size()));
  }
  bool was_idle = waiting_.empty() && waiting_pins_.empty();
  req->stage = Request::Stage::waiting;
  req->deadline_ms =
      Loop::current().now_ms() + static_cast<std::uint64_t>(options_.acquire_timeout.count());
  queue.push_back(req);
  req->wait_pos = std::prev(queue.end());
  if (was_idle) arm_expiry();
  publish_stats();
}

void Pool::withdraw(Request& req) {
  if (req.stage == Request::Stage::waiting) {
    (req.pin ? waiting_pins_ : waiting_).erase(req.wait_pos);
    req.stage = Request::Stage::done;
  } else if (req.stage == Request::Stage::sent && req.sent_on) {
    req.sent_on->abandon(req);
  }
  publish_stats();
}

void Pool::dispatch_waiting() {
  if (dispatching_ || closing_) return;
  dispatching_ = true;
  while (!waiting_pins_.empty()) {
    Connection* conn = least_loaded(true);
    if (!conn) break;
    auto req = std::move(waiting_pins_.front());
    waiting_pins_.pop_front();
    observe_queued_wait(*req);
    grant(req, conn);
  }
  while (!waiting_.empty()) {
    Connection* conn = least_loaded(false);
    if (!conn) break;
    auto req = std::move(waiting_.front());
    waiting_.pop_front();
    observe_queued_wait(*req);
    grant(req, conn);
  }
  dispatching_ = false;
}

void Pool::observe_queued_wait(const Request& req) noexcept {
  // Queued at deadline - acquire_timeout.
  const auto timeout = static_cast<std::uint64_t>(options_.acquire_timeout.count());
  const std::uint64_t queued_at = req.deadline_ms > timeout ? req.deadline_ms - timeout : 0;
  const std::uint64_t now = Loop::current().now_ms();
  pool_metrics_->observe_wait(now > queued_at ? static_cast<double>(now - queued_at) / 1000.0
                                              : 0.0);
}

void Pool::on_connection_change(Connection&) {
  dispatch_waiting();
  publish_stats();
}

// --- waiting deadlines --------------------------------------------------------------------
// Every waiter gets the same acquire_timeout, so each queue is in deadline order: one timer
// for the oldest waiter suffices.

void Pool::arm_expiry() {
  std::uint64_t next = UINT64_MAX;
  if (!waiting_.empty()) next = waiting_.front()->deadline_ms;
  if (!waiting_pins_.empty()) next = std::min(next, waiting_pins_.front()->deadline_ms);
  if (next == UINT64_MAX) return;
  std::uint64_t now = Loop::current().now_ms();
  expiry_.start(Duration(next > now ? next - now : 0), &Pool::on_expiry, this);
}

void Pool::on_expiry(void* pool) { static_cast<Pool*>(pool)->expire_waiting(); }

void Pool::expire_waiting() {
  std::uint64_t now = Loop::current().now_ms();
  for (auto* queue : {&waiting_, &waiting_pins_}) {
    while (!queue->empty() && queue->front()->deadline_ms <= now) {
      auto req = std::move(queue->front());
      queue->pop_front();
      std::exception_ptr error;
      if (stats().live == 0) {
        std::string why;
        for (const auto& conn : conns_) {
          if (why.empty()) why = conn->last_error();
        }
        error = std::make_exception_ptr(ConnectionError(
            fmt::format("no database connection within {} ms{}{}", options_.acquire_timeout.count(),
                        why.empty() ? "" : ": ", why)));
      } else {
        error = std::make_exception_ptr(PoolTimeout(fmt::format(
            "no pg connection slot free within {} ms", options_.acquire_timeout.count())));
      }
      req->finish(error);
    }
  }
  arm_expiry();
}

// --- pinned connections -------------------------------------------------------------------

void Pool::unpin(Connection* conn, std::uint64_t session) noexcept {
  if (closing_ || !conn->pinned || conn->session() != session) return;
  conn->pinned = false;
  conn->tidy_session();
  dispatch_waiting();
}

Pinned::Pinned(Pinned&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), conn_(other.conn_), session_(other.session_) {}

Pinned& Pinned::operator=(Pinned&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    conn_ = other.conn_;
    session_ = other.session_;
  }
  return *this;
}

void Pinned::release() noexcept {
  if (pool_) std::exchange(pool_, nullptr)->unpin(conn_, session_);
}

Task<Result> Pinned::execute(Statement statement, Params params) {
  auto results = co_await transaction({Query(statement, std::move(params))});
  co_return std::move(results.front());
}

Task<Result> Pinned::query(std::string sql, Params params) {
  auto results = co_await transaction({Query(std::move(sql), std::move(params))});
  co_return std::move(results.front());
}

Task<std::vector<Result>> Pinned::transaction(std::vector<Query> queries) {
  if (!pool_) throw std::logic_error("pg::Pinned used after release");
  const char* name = queries.size() == 1 ? queries.front().name() : "transaction";
  auto req = pool_->make_request(std::move(queries), name);
  req->target = conn_;
  req->session = session_;
  co_await RequestAwaiter(req);
  co_return std::move(req->results);
}

}  // namespace core::pg
