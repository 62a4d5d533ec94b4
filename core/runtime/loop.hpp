#pragma once
// One libuv loop per worker thread, plus the few things every coroutine on it needs:
// a thread-safe post() for results coming back from pool threads, and a ready queue that
// resumes coroutines on the next turn instead of inside someone else's call stack.
#include <uv.h>

#include <coroutine>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace core {

class Loop {
 public:
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  /// The loop driving the calling thread (set while a Loop exists on it).
  static Loop& current();
  static Loop* current_or_null() noexcept;

  uv_loop_t* uv() noexcept { return &loop_; }

  /// Runs until stop() is called.
  void run();
  /// Makes run() return after the current turn. Call from the loop's own thread.
  void stop();

  /// Runs fn on this loop's thread. Safe from any thread while the loop exists.
  void post(std::function<void()> fn);

  /// A handle other threads may keep: posting through it after the loop is gone is a no-op
  /// (a pool job whose caller gave up may finish after the caller's loop was destroyed).
  class Remote {
   public:
    /// false when the loop no longer exists (fn is dropped).
    bool post(std::function<void()> fn);

   private:
    friend class Loop;
    std::mutex mu_;
    Loop* loop_ = nullptr;
  };
  std::shared_ptr<Remote> remote() const noexcept { return remote_; }

  /// Resumes h on the next turn of this loop. Loop thread only.
  void defer(std::coroutine_handle<> h);

  /// Milliseconds of the loop's cached clock.
  std::uint64_t now_ms() const noexcept { return uv_now(const_cast<uv_loop_t*>(&loop_)); }

 private:
  static void on_async(uv_async_t* async);
  static void on_idle(uv_idle_t* idle);

  uv_loop_t loop_{};
  uv_async_t* async_ = nullptr;
  uv_idle_t* idle_ = nullptr;
  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;
  std::vector<std::coroutine_handle<>> ready_;
  bool stopping_ = false;
  std::shared_ptr<Remote> remote_;
};

/// Allocates a libuv handle that is freed only in its close callback (see close_handle).
template <class H>
H* new_handle() {
  return static_cast<H*>(::operator new(sizeof(H)));
}

/// Closes a handle made by new_handle() and frees it in the close callback. Idempotent-safe
/// for handles that are already closing.
void close_handle(uv_handle_t* handle) noexcept;

template <class H>
void close_handle(H* handle) noexcept {
  close_handle(reinterpret_cast<uv_handle_t*>(handle));
}

/// Throws std::runtime_error naming what failed when a libuv call returned an error.
void check_uv(int rc, const char* what);

}  // namespace core
