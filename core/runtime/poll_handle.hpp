#pragma once
/// @file
/// A libuv poll of a socket a C library owns (libpq's, librabbitmq's), held like any C++
/// object: made on the calling thread's loop by open(), stopped and handed to uv_close (which
/// frees it) by close() or the destructor, so a callback never reaches an owner that is gone.
/// close() before the library closes the fd: an fd closed while polled leaves libuv watching
/// nothing (or the next socket to get that number).
struct uv_poll_s;

namespace core {

class Poll {
 public:
  /// Event bits, libuv's values (UV_READABLE, UV_WRITABLE, UV_DISCONNECT).
  static constexpr int readable = 1;
  static constexpr int writable = 2;
  static constexpr int disconnect = 4;

  /// status < 0 is libuv's error (POLLERR shows as UV_EBADF, and the poll has stopped).
  using Callback = void (*)(void* arg, int status, int events);

  Poll() = default;
  Poll(const Poll&) = delete;
  Poll& operator=(const Poll&) = delete;
  ~Poll() { close(); }

  /// Starts a poll of fd (closing one open before); libuv's error (< 0) when it cannot.
  int open(int fd) noexcept;
  /// Watches for `events`; fn(arg, status, events) on each wake-up. Replaces what was watched.
  void start(int events, Callback fn, void* arg) noexcept;
  /// Stops watching; stays open for the next start().
  void stop() noexcept;
  /// Stops at once and releases the handle. Idempotent.
  void close() noexcept;
  bool is_open() const noexcept { return handle_ != nullptr; }
  /// What start() watches for, 0 when stopped or closed.
  int events() const noexcept { return events_; }

 private:
  static void on_poll(uv_poll_s* handle, int status, int events);
  uv_poll_s* handle_ = nullptr;
  Callback fn_ = nullptr;
  void* arg_ = nullptr;
  int events_ = 0;
};

}  // namespace core
