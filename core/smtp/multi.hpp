#pragma once
// libcurl's multi interface driven by the calling thread's core::Loop: one uv_poll_t per
// socket curl asks us to watch, one uv_timer_t for curl's timeout, and curl_multi_info_read
// to report each finished transfer. Private to core/smtp; it runs only on the SMTP thread
// (core/smtp/thread.hpp), never on a worker's loop.
#include <uv.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/runtime/loop.hpp"
#include "core/smtp/wrappers.hpp"

namespace core::smtp::detail {

class Multi {
 public:
  /// Called once per finished transfer, after its handle left the multi, with the handle's
  /// CURLOPT_PRIVATE. Runs inside the multi's callbacks: it must not destroy the Multi.
  using Done = void (*)(void* arg, CURL* easy, void* priv, CURLcode result);

  /// `max_connections`: per host, and the size of the connection cache (kept-alive ones).
  /// `longest_stall_us` (may be null) receives the longest single call into libcurl.
  Multi(std::size_t max_connections, std::atomic<std::int64_t>* longest_stall_us, Done done,
        void* done_arg);
  /// No transfer may be in flight. Closes the cached connections.
  ~Multi();
  Multi(const Multi&) = delete;
  Multi& operator=(const Multi&) = delete;

  /// Sets what every easy handle needs to run here (call after each curl_easy_reset).
  void prepare(CURL* easy) noexcept;

  /// Starts a transfer; `done` reports its end (never from inside this call).
  CURLMcode add(CURL* easy, void* priv) noexcept;

  /// Takes an unfinished transfer out at once (no `done` for it): curl drops its half-done
  /// connection. Never waits for the relay.
  void abort(CURL* easy) noexcept;

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
  void finish(CURL* easy, CURLcode result) noexcept;
  void note_stall(std::chrono::steady_clock::time_point start) noexcept;
  void report_finished() noexcept;

  Loop* loop_;
  CURLM* multi_;
  uv_timer_t* timer_;
  std::unordered_map<curl_socket_t, SocketWatch*> watches_;
  std::atomic<std::int64_t>* longest_stall_us_;
  Done done_;
  void* done_arg_;
};

/// Records that the calling thread runs libcurl code for this driver (cheap after the first
/// call on a thread). Every entry into libcurl and every libcurl callback calls it.
void note_curl_thread() noexcept;
/// Every thread that ever ran libcurl code for this driver: only SMTP threads, never a worker.
std::vector<std::thread::id> curl_threads();

}  // namespace core::smtp::detail
