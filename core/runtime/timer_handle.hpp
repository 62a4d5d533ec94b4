#pragma once
/// @file
/// A libuv timer owned like any C++ object: created on the calling thread's loop on first use,
/// stopped and handed to uv_close (which frees it) when the owner goes, so a callback never
/// reaches an owner that is gone.
#include <chrono>

struct uv_timer_s;

namespace core {

class Timer {
 public:
  using Callback = void (*)(void* arg);

  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer() { close(); }

  /// Calls fn(arg) once after d (re-arming replaces what was armed before).
  void start(std::chrono::milliseconds d, Callback fn, void* arg) { start(d, {}, fn, arg); }
  /// Calls fn(arg) after first, then every `every` (zero: once) until stopped.
  void start(std::chrono::milliseconds first, std::chrono::milliseconds every, Callback fn,
             void* arg);
  /// Disarms; the handle stays for the next start().
  void stop() noexcept;
  /// Disarms and releases the handle.
  void close() noexcept;
  /// True while armed.
  bool active() const noexcept;
  /// An armed timer no longer keeps its loop running (a periodic sweep of idle connections).
  /// Holds for the handle's life, including ones made by later start() calls.
  void unref() noexcept;

 private:
  static void on_fire(uv_timer_s* t);
  uv_timer_s* handle_ = nullptr;
  Callback fn_ = nullptr;
  void* arg_ = nullptr;
  bool ref_ = true;
};

}  // namespace core
