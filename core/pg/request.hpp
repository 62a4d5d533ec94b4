#pragma once
// Internal to core/pg: one request in flight - its queries, sent as one pipeline segment that
// ends in its own PQpipelineSync, the results routed back to it, and the coroutine awaiting it.
// Shared by the awaiter, the pool's wait queue and the connection's FIFO, because a request
// that was given up on (cancelled, timed out) still has results on the way that must be read.
#include <cstdint>
#include <exception>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "core/pg/result.hpp"
#include "core/pg/statement.hpp"
#include "core/runtime/callback_awaiter.hpp"

namespace core::pg {

class Connection;
class Pool;
class RequestAwaiter;
struct Request;
using RequestPtr = std::shared_ptr<Request>;

struct Request {
  enum class Stage { created, waiting, sent, done };

  Request(Pool* p, std::vector<Query> q, const char* n) : pool(p), queries(std::move(q)), name(n) {}

  Pool* pool;
  std::vector<Query> queries;
  const char* name;              // statement name, "query" or "transaction", for metrics and errors
  bool pin = false;              // asks for a connection of its own (Pool::pin), runs nothing
  Connection* target = nullptr;  // pinned connection to run on; for a pin, the one granted
  Connection* sent_on = nullptr;
  std::uint64_t session = 0;  // ... and its session, which must still be the same

  Stage stage = Stage::created;
  std::uint64_t deadline_ms = 0;             // while waiting for a slot
  std::list<RequestPtr>::iterator wait_pos;  // its place in the pool's wait queue

  // Pipeline bookkeeping, reset on each send.
  struct Step {
    std::size_t query;
    bool prepare;  // the Prepare sent ahead of the statement's first use on this session
  };
  std::vector<Step> plan;
  std::size_t received = 0;  // results routed so far (one per step)
  std::vector<Result> results;
  std::exception_ptr error;       // the first failing step's error
  std::string error_state;        // its sqlstate
  std::uint64_t send_serial = 0;  // order of sending on its connection
  int attempts = 0;
  std::uint64_t cancel_serial_at_send = 0;
  bool cancel_recent_at_send = false;  // one of the connection's cancels was live at send
  int cancels_sent = 0;                // PQcancel requests sent for it
  std::uint64_t last_cancel_ms = 0;

  RequestAwaiter* awaiter = nullptr;  // of the coroutine awaiting it, while it waits
  bool abandoned = false;  // the awaiter gave up; its results are read and dropped

  /// Ends the request with `e` (null: success) and resumes the awaiter on the next turn of the
  /// loop, unless it gave up already. Never resumes inline: the caller is mid-way through libpq.
  void finish(std::exception_ptr e);
};

/// `co_await RequestAwaiter{req}` hands req to its pool and waits for its end. Throws what the
/// request failed with; core::Cancelled when the awaiting chain was cancelled first.
class RequestAwaiter final : public CallbackAwaiter<void> {
 public:
  explicit RequestAwaiter(RequestPtr req) : req_(std::move(req)) {}
  ~RequestAwaiter() {
    if (req_->awaiter == this) req_->awaiter = nullptr;
  }

 private:
  friend struct Request;
  void start() override;
  void stop() override;
  void finished(std::exception_ptr error);
  RequestPtr req_;
};

}  // namespace core::pg
