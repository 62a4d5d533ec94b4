#include "core/pg/cancel.hpp"

#include <atomic>

#include "core/log/log.hpp"

namespace core::pg {

CancelSender::CancelSender() : threads_("pg-cancel", 1, 64) {}

bool CancelSender::send(PGconn* conn, const std::shared_ptr<CancelWindow>& window) {
  // PGcancel holds the backend's pid and key, so it stays valid whatever conn becomes meanwhile.
  std::shared_ptr<PGcancel> cancel(PQgetCancel(conn), CancelDeleter{});
  if (!cancel) return false;
  std::shared_ptr<Loop::Remote> loop = Loop::current().remote();
  std::weak_ptr<CancelWindow> weak = window;
  auto work = [cancel, loop, weak] {
    char err[256] = {0};
    if (!PQcancel(cancel.get(), err, sizeof err)) log::debug("pg cancel request failed: {}", err);
    loop->post([weak] {
      if (auto w = weak.lock()) {
        w->outstanding--;
        w->last_done_ms = Loop::current().now_ms();
      }
    });
  };
  try {
    threads_.submit(std::move(work), std::make_shared<std::atomic<bool>>(false));
  } catch (const PoolFull&) {
    log::warn("pg cancel pool is full: a cancelled statement runs to its end");
    return false;
  }
  window->outstanding++;
  window->serial++;
  return true;
}

}  // namespace core::pg
