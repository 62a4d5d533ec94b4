// Connection traffic in pipeline mode: each request's statements go out back to back, followed
// by its own PQpipelineSync; results come back in the same order and are routed to the request
// at the head of the FIFO, one per step, until its PGRES_PIPELINE_SYNC. An error makes the
// server skip the rest of that request only (up to its sync), never the next request's.
#include <fmt/format.h>

#include "core/log/log.hpp"
#include "core/pg/connection.hpp"
#include "core/pg/error.hpp"

namespace core::pg {

namespace {
// Attempts of a request hit by cancels that were not its own.
constexpr int kMaxCancelRetries = 4;
// A cancel can still land this long after PQcancel returned (the backend may not have run
// since it was signalled).
constexpr std::uint64_t kCancelGraceMs = 1000;
// A cancel that arrives while the backend is between messages is ignored by the server, so an
// abandoned head still running after this long is cancelled again (at most kMaxCancels times).
constexpr std::uint64_t kCancelRepeatMs = 500;
constexpr int kMaxCancels = 5;
}  // namespace

void Connection::send(const RequestPtr& req) {
  PGconn* c = conn_.get();
  req->stage = Request::Stage::sent;
  req->sent_on = this;
  req->send_serial = ++send_serial_;
  req->attempts++;
  req->plan.clear();
  req->received = 0;
  req->results.clear();
  req->results.resize(req->queries.size());
  req->error = nullptr;
  req->error_state.clear();
  req->cancel_serial_at_send = cancels_->serial;
  req->cancel_recent_at_send = cancel_recent();
  inflight_.push_back(req);  // before sending: a failure below fails it with the others
  try {
    std::vector<const char*> values;
    for (std::size_t i = 0; i < req->queries.size(); ++i) {
      const Query& q = req->queries[i];
      values.clear();
      for (const auto& p : q.params) values.push_back(p ? p->c_str() : nullptr);
      int n = static_cast<int>(values.size());
      if (q.prepared) {
        if (!prepared_.contains(std::string_view(q.statement.name))) {
          check(PQsendPrepare(c, q.statement.name, q.statement.sql, 0, nullptr), c,
                "PQsendPrepare");
          prepared_.emplace(q.statement.name, req->send_serial);
          req->plan.push_back({i, true});
        }
        check(PQsendQueryPrepared(c, q.statement.name, n, values.data(), nullptr, nullptr, 0), c,
              "PQsendQueryPrepared");
      } else {
        check(PQsendQueryParams(c, q.sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0),
              c, "PQsendQueryParams");
      }
      req->plan.push_back({i, false});
    }
    check(PQpipelineSync(c), c, "PQpipelineSync");
  } catch (const ConnectionError& e) {
    return fail(e.what());
  }
  if (flush()) drain();  // flushing may have read input that no poll event will announce
}

bool Connection::flush() {
  int rc = PQflush(conn_.get());
  if (rc < 0) {
    fail(conn_error(conn_.get()));
    return false;
  }
  // Poll for writability only while libpq holds unsent bytes.
  want_write_ = rc == 1;
  watch(Poll::readable | (want_write_ ? Poll::writable : 0));
  return state_ == State::ready;
}

void Connection::on_io(int events) {
  if ((events & Poll::writable) && !flush()) return;
  if (events & Poll::readable) {
    if (!PQconsumeInput(conn_.get())) return fail(conn_error(conn_.get()));
  }
  drain();
}

void Connection::drain() {
  if (in_drain_) return;  // a request sent again from inside the loop below
  in_drain_ = true;
  PGconn* c = conn_.get();
  int nulls = 0;
  while (state_ == State::ready && !inflight_.empty() && !PQisBusy(c)) {
    PGresult* res = PQgetResult(c);
    if (res == nullptr) {
      // One NULL ends each statement's results; two in a row mean libpq has nothing left that
      // we are waiting for.
      if (++nulls > 1) {
        fail(PQstatus(c) == CONNECTION_BAD ? conn_error(c) : "pipeline out of step");
      }
      continue;
    }
    nulls = 0;
    route(ResultPtr(res));
  }
  in_drain_ = false;
  if (state_ != State::ready) return;
  if (PQstatus(c) == CONNECTION_BAD) return fail(conn_error(c));
  // Nobody LISTENs through this driver, but notifications must not pile up.
  while (PGnotify* n = PQnotifies(c)) PQfreemem(n);
  cancel_head_if_abandoned();
}

bool Connection::route(ResultPtr res) {
  Request& req = *inflight_.front();
  ExecStatusType status = PQresultStatus(res.get());
  if (status == PGRES_PIPELINE_SYNC) {
    if (req.received != req.plan.size()) {
      fail("pipeline out of step: sync before the last result");
      return false;
    }
    complete_head();
    return true;
  }
  if (req.received >= req.plan.size()) {
    fail("pipeline out of step: more results than statements");
    return false;
  }
  const Request::Step step = req.plan[req.received++];
  const Query& q = req.queries[step.query];
  switch (status) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      if (!step.prepare) req.results[step.query] = Result(res.release());
      return true;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
      fail("COPY is not supported by this driver");
      return false;
    default:  // FATAL_ERROR, PIPELINE_ABORTED (a step after the failing one), ...
      break;
  }
  if (step.prepare) {
    auto it = prepared_.find(std::string_view(q.statement.name));
    if (it != prepared_.end() && it->second == req.send_serial) prepared_.erase(it);
  }
  if (!req.error) {
    req.error = result_error(res.get(), q.name());
    const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
    req.error_state = state ? state : "";
  }
  return true;
}

bool Connection::should_send_again(const Request& req) {
  if (req.abandoned) return false;
  if (req.error_state == "26000") {
    if (req.attempts > 1) return false;
    // A statement this session was believed to have prepared is not there: a Prepare sent
    // before this request failed (or DEALLOCATE ran). Forget the names whose Prepare predates
    // this request, so that the second attempt prepares them.
    for (const Query& q : req.queries) {
      if (!q.prepared) continue;
      auto it = prepared_.find(std::string_view(q.statement.name));
      if (it != prepared_.end() && it->second < req.send_serial) prepared_.erase(it);
    }
    return true;
  }
  if (req.error_state == "57014" && req.cancels_sent == 0 && req.attempts < kMaxCancelRetries) {
    // Cancelled without asking: a cancel meant for a request before it arrived after that one
    // had finished (the postmaster even signals the backend twice, so one cancel can hit two
    // statements). Only while one of our cancels was on its way; the implicit transaction of
    // the request was rolled back, so running it again is safe.
    return req.cancel_recent_at_send || cancel_recent() ||
           req.cancel_serial_at_send != cancels_->serial;
  }
  return false;
}

void Connection::complete_head() {
  RequestPtr req = std::move(inflight_.front());
  inflight_.pop_front();
  changed_ = true;  // a pipeline slot is free
  if (req->error && should_send_again(*req)) {
    log::debug("pg: sending {} again after {}", req->name, req->error_state);
    return send(req);
  }
  req->finish(req->error);
}

void Connection::abandon(Request& req) {
  if (!inflight_.empty() && inflight_.front().get() == &req) cancel_head_if_abandoned();
}

void Connection::cancel_head_if_abandoned() {
  if (inflight_.empty() || state_ != State::ready) return;
  Request& head = *inflight_.front();
  // Only the request whose statements the server is executing now; once all its results are
  // in, a cancel could only hit the next one.
  if (!head.abandoned || head.received >= head.plan.size() || head.cancels_sent >= kMaxCancels) {
    return;
  }
  std::uint64_t now = Loop::current().now_ms();
  std::uint64_t next = head.last_cancel_ms + kCancelRepeatMs;
  if (head.cancels_sent == 0 || now >= next) {
    if (canceller_.send(conn_.get(), cancels_)) head.cancels_sent++;
    head.last_cancel_ms = now;
    next = now + kCancelRepeatMs;
  }
  // Looked at again when the timer fires, unless the head's results come first.
  arm_timer(std::chrono::milliseconds(next - now));
}

bool Connection::cancel_recent() const {
  return cancels_->outstanding > 0 ||
         (cancels_->last_done_ms != 0 &&
          Loop::current().now_ms() < cancels_->last_done_ms + kCancelGraceMs);
}

void Connection::tidy_session() {
  if (!ready()) return;
  if (inflight_.empty() && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) return;
  // Given up requests may still be running, or a transaction may be open: roll it back
  // before anyone else's request (a rollback outside a transaction is only a warning).
  // Nobody awaits it (no waiter, no pool), but it is not abandoned: it must run, not be cancelled.
  auto req = std::make_shared<Request>(nullptr, std::vector<Query>{Query("rollback")}, "rollback");
  send(req);
}

}  // namespace core::pg
