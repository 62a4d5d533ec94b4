#pragma once
// A pool of pipelined PostgreSQL connections for one worker loop (never shared across
// threads). Each call is one request: its statements go out back to back followed by one
// PQpipelineSync, so they run in one implicit transaction, many requests share a connection
// at once, and a failing request never aborts another's statements.
//
//   pg::Pool db({.dsn = env.dsn});
//   pg::Result r = co_await db.execute(kUserByEmail, {email});
//   std::string name = r.get<std::string>(0, "first_name");
//
// Every call observes the caller's cancellation (with_timeout): the awaiter resumes at once
// with Cancelled/TimeoutError; the statement is cancelled on the server if it is the one
// executing, else its results are dropped when they arrive.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "core/pg/error.hpp"
#include "core/pg/result.hpp"
#include "core/pg/statement.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"

namespace core::pg {

class Connection;
class ConnInfo;
class CancelSender;
class QueryMetrics;
struct Request;

struct PoolOptions {
  std::string dsn;                      // libpq conninfo or URI
  std::size_t size = 4;                 // connections (per worker)
  std::size_t max_pipeline_depth = 64;  // requests in flight per connection
  std::size_t max_waiting = 1024;       // requests queued for a slot; beyond it PoolTimeout at once
  Duration connect_timeout = std::chrono::seconds(5);
  Duration acquire_timeout = std::chrono::seconds(1);       // wait for a slot or a live connection
  Duration reconnect_min = std::chrono::milliseconds(100);  // backoff, doubling ...
  Duration reconnect_max = std::chrono::seconds(5);         // ... up to this
};

class Pool;
class PoolMetrics;

/// A connection reserved for one caller: nothing else is sent on it until release (or the
/// destructor). For what must share a session: session advisory locks, an explicit
/// begin ... commit spanning several calls, SET. If the connection is lost meanwhile, every
/// later call throws ConnectionError (the session state is gone: start over with a new pin).
/// A transaction left open is rolled back on release. Must not outlive its Pool.
class Pinned {
 public:
  Pinned() = default;
  Pinned(Pinned&& other) noexcept;
  Pinned& operator=(Pinned&& other) noexcept;
  Pinned(const Pinned&) = delete;
  Pinned& operator=(const Pinned&) = delete;
  ~Pinned() { release(); }

  Task<Result> execute(Statement statement, Params params = {});
  Task<Result> query(std::string sql, Params params = {});
  Task<std::vector<Result>> transaction(std::vector<Query> queries);
  /// Gives the connection back to the pool (idempotent).
  void release() noexcept;

 private:
  friend class Pool;
  Pinned(Pool* pool, Connection* conn, std::uint64_t session) noexcept
      : pool_(pool), conn_(conn), session_(session) {}
  Pool* pool_ = nullptr;
  Connection* conn_ = nullptr;
  std::uint64_t session_ = 0;
};

/// Counts for /metrics and tests.
struct PoolStats {
  std::size_t live = 0;       // connections ready for traffic
  std::size_t in_flight = 0;  // requests sent and not yet answered (abandoned ones included)
  std::size_t waiting = 0;    // requests waiting for a slot
};

class Pool {
 public:
  /// Starts connecting at once, on the calling thread's loop. Throws std::invalid_argument for
  /// a DSN libpq does not accept (a configuration error: stop start-up).
  explicit Pool(PoolOptions options);
  /// Fails whatever is still in flight with ConnectionError and closes the connections.
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// Runs a named statement (prepared on first use per connection).
  Task<Result> execute(Statement statement, Params params = {});
  /// Runs ad-hoc SQL (one statement, not prepared).
  Task<Result> query(std::string sql, Params params = {});
  /// Runs the statements in order on one connection as one request: one implicit transaction,
  /// committed when all succeed, rolled back when one fails (which throws its Error). Enough
  /// for a migration: pg_advisory_xact_lock(k), create table if not exists ..., insert ... on
  /// conflict do nothing.
  Task<std::vector<Result>> transaction(std::vector<Query> queries);
  /// Reserves a connection (waits up to acquire_timeout, like any request).
  Task<Pinned> pin();
  /// True when `select 1` answers (for /readyz); false on any driver error.
  Task<bool> ping();

  PoolStats stats() const;
  const PoolOptions& options() const noexcept { return options_; }

 private:
  friend class Pinned;
  friend struct Request;
  friend class RequestAwaiter;

  Task<std::vector<Result>> run(std::shared_ptr<Request> req);
  std::shared_ptr<Request> make_request(std::vector<Query> queries, const char* name);
  // Sends req now, or queues it for a slot (throws PoolTimeout when the queue is full).
  void submit(const std::shared_ptr<Request>& req);
  // The awaiter of req gave up: take it out of the queue, or abandon it on its connection.
  void withdraw(Request& req);
  // Hands out freed slots and connections to the queue, in order.
  void dispatch_waiting();
  Connection* least_loaded(bool for_pin) const;
  bool grant(const std::shared_ptr<Request>& req, Connection* conn);
  void enqueue(const std::shared_ptr<Request>& req);
  void arm_expiry();
  static void on_expiry(void* pool);
  void expire_waiting();
  void unpin(Connection* conn, std::uint64_t session) noexcept;
  void on_connection_change(Connection& conn);
  void observe_queued_wait(const Request& req) noexcept;
  // Copies stats() into the pg_pool_* gauges.
  void publish_stats() noexcept;

  PoolOptions options_;
  std::unique_ptr<ConnInfo> conninfo_;
  std::unique_ptr<CancelSender> canceller_;
  std::unique_ptr<QueryMetrics> metrics_;
  std::unique_ptr<PoolMetrics> pool_metrics_;
  std::vector<std::unique_ptr<Connection>> conns_;
  std::list<std::shared_ptr<Request>> waiting_;       // requests, oldest first
  std::list<std::shared_ptr<Request>> waiting_pins_;  // pin() calls, oldest first
  Timer expiry_;  // fires when the oldest waiter's deadline passes
  bool dispatching_ = false;
  bool closing_ = false;
};

}  // namespace core::pg
