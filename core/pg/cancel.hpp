#pragma once
// Internal to core/pg. Server-side cancellation: libpq 15 has only the blocking PQcancel (it
// opens a new connection to the postmaster), so it runs on a small thread pool of the driver's
// own. The session being cancelled keeps a CancelWindow so that a statement hit by a cancel
// meant for the one before it (the race no client can close) is recognised and sent again.
#include <cstdint>
#include <memory>

#include "core/pg/wrappers.hpp"
#include "core/runtime/thread_pool.hpp"

namespace core::pg {

/// Cancels sent on one connection: those not yet acknowledged, how many ever were, and when
/// the last one was acknowledged (loop clock, ms).
struct CancelWindow {
  int outstanding = 0;
  std::uint64_t serial = 0;
  std::uint64_t last_done_ms = 0;
};

class CancelSender {
 public:
  CancelSender();
  CancelSender(const CancelSender&) = delete;
  CancelSender& operator=(const CancelSender&) = delete;

  /// Asks the server to cancel whatever conn's session executes when the request arrives.
  /// Returns at once; false when the pool is full (the cancel is then not sent).
  bool send(PGconn* conn, const std::shared_ptr<CancelWindow>& window);

 private:
  ThreadPool threads_;
};

}  // namespace core::pg
