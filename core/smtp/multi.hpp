#pragma once
// libcurl's multi interface driven by the calling thread's core::Loop: one uv_poll_t per
// socket curl asks us to watch, one uv_timer_t for curl's timeout, and curl_multi_info_read
// to resume the coroutine awaiting each finished transfer. Private to core/smtp.
#include <uv.h>

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <unordered_map>

#include "core/runtime/loop.hpp"
#include "core/runtime/task.hpp"
#include "core/smtp/wrappers.hpp"

namespace core::smtp::detail {

class Multi {
 public:
  /// `max_connections`: per host, and the size of the connection cache (kept-alive ones).
  explicit Multi(std::size_t max_connections);
  /// No transfer may be in flight. Closes the cached connections.
  ~Multi();
  Multi(const Multi&) = delete;
  Multi& operator=(const Multi&) = delete;

  /// Sets what every easy handle needs to run here (call after each curl_easy_reset).
  void prepare(CURL* easy) noexcept;

  class Perform;
  /// `CURLcode rc = co_await multi.perform(easy);` runs the transfer. A cancelled awaiting
  /// chain takes the handle out of the multi at once and gets core::Cancelled.
  Perform perform(CURL* easy) noexcept;

  /// The longest single call into libcurl so far: how long the loop was held at most.
  std::chrono::microseconds longest_stall() const noexcept { return longest_stall_; }

 private:
  struct SocketWatch;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* watch);
  static int on_timer_change(CURLM* multi, long timeout_ms, void* self);
  static int on_close_socket(void* self, curl_socket_t fd);
  static void on_timer(uv_timer_t* timer);
  static void on_poll(uv_poll_t* poll, int status, int events);

  int watch(curl_socket_t fd, int what, SocketWatch* existing);
  void unwatch(SocketWatch* w) noexcept;
  void socket_action(curl_socket_t fd, int flags) noexcept;
  void abort(CURL* easy) noexcept;
  void note_stall(std::chrono::steady_clock::time_point start) noexcept;
  void resume_finished() noexcept;

  Loop* loop_;
  CURLM* multi_;
  uv_timer_t* timer_;
  std::unordered_map<curl_socket_t, SocketWatch*> watches_;
  std::chrono::microseconds longest_stall_{0};
};

class Multi::Perform {
 public:
  Perform(Multi* multi, CURL* easy) noexcept : multi_(multi), easy_(easy) {}
  /// A frame destroyed while suspended here still takes its handle out of the multi.
  ~Perform();
  Perform(const Perform&) = delete;
  Perform& operator=(const Perform&) = delete;

  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    return start(h, core::detail::token_of(h));
  }
  CURLcode await_resume() const;

 private:
  friend class Multi;
  bool start(std::coroutine_handle<> h, CancelToken* token);
  void finish(CURLcode result) noexcept;
  static void on_cancel(void* self);

  Multi* multi_;
  CURL* easy_;
  std::coroutine_handle<> h_;
  CURLcode result_ = CURLE_OK;
  CURLMcode add_error_ = CURLM_OK;
  bool added_ = false;
  bool cancelled_ = false;
  CancelToken::Subscription sub_;
};

}  // namespace core::smtp::detail
