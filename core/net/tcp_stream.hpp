#pragma once
// A connected TCP stream on the calling loop: reads land in an input buffer (reading pauses
// when it holds more than the high-water mark: back-pressure), writes complete when the kernel
// took every byte. Every wait takes a timeout; a cancelled chain gets Cancelled.
#include <uv.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/net/buffer.hpp"
#include "core/runtime/timer.hpp"

namespace core {

/// A socket-level failure (reset, refused, broken pipe ...), carrying libuv's error code.
struct NetError : std::runtime_error {
  NetError(int code, const std::string& what);
  int code;
};

class TcpStream {
 public:
  TcpStream() = default;
  /// Takes an initialised uv_tcp_t that lives inside a stream state (see accept/connect).
  explicit TcpStream(struct StreamState* state) noexcept : s_(state) {}
  TcpStream(TcpStream&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  TcpStream& operator=(TcpStream&& o) noexcept;
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;
  ~TcpStream() { close(); }

  bool is_open() const noexcept { return s_ != nullptr; }

  /// Bytes received and not yet consumed.
  Buffer& input() noexcept;

  class ReadAwaiter;
  /// Waits until more bytes are in input() (returns how many arrived) or EOF (returns 0).
  /// Throws TimeoutError after `timeout` (0 = none), NetError on socket errors.
  ReadAwaiter read_some(Duration timeout = Duration{0});

  class WriteAwaiter;
  /// Writes all of data. The bytes must stay alive until the await completes.
  WriteAwaiter write(std::string_view data, Duration timeout = Duration{0});
  /// Writes what the socket takes now, without waiting, and erases it from `out`; true when
  /// all of it went (else an awaited write() sends the rest, or meets the error).
  bool write_now(std::string& out);

  /// While set, a peer that closes or resets its side (seen by the background read that stays
  /// on between awaits) cancels `token`: whatever was being done for it has nobody left to
  /// answer to. Fires at once if that already happened; nullptr stops watching.
  void cancel_on_hangup(CancelToken* token) noexcept;

  void set_nodelay(bool on);
  /// Remote address as "ip:port", for logs.
  std::string peer() const;
  /// Closes now; pending awaits end with NetError(UV_ECANCELED).
  void close() noexcept;
  /// Closes with RST instead of FIN (for abusive peers).
  void reset() noexcept;

  /// Raw access for drivers that need it.
  uv_tcp_t* handle() const noexcept;
  StreamState* state() const noexcept { return s_; }

 private:
  StreamState* s_ = nullptr;
};

/// State that outlives a TcpStream until libuv's close callback (it holds the handle).
struct StreamState {
  uv_tcp_t tcp;  // first member: the close callback casts back to StreamState
  Timer timer;  // read deadline
  Buffer in;
  bool reading = false;
  bool eof = false;
  int read_error = 0;
  CancelToken* hangup = nullptr;  // cancelled when EOF or an error arrives (cancel_on_hangup)
  // The single pending reader, if any.
  std::coroutine_handle<> reader;
  std::size_t reader_start = 0;
  int reader_outcome = 0;  // 0 waiting, 1 data/eof, 2 timeout, 3 cancelled
  CancelToken::Subscription reader_sub;
  // Freed when both the owner let go and libuv's close callback ran.
  bool owner_gone = false;
  bool handle_closed = false;
  int pins = 0;  // suspended readers that will still look at this state when resumed

  /// Deletes this state once nobody needs it any more; true if it did.
  bool release_if_unused() {
    if (owner_gone && handle_closed && pins == 0) {
      delete this;
      return true;
    }
    return false;
  }

  static StreamState* create(uv_loop_t* loop);
  /// Fails the stream: pending and later reads and writes end with `err`; closes the socket.
  void abort(int err);
  bool closing() const noexcept { return uv_is_closing(reinterpret_cast<const uv_handle_t*>(&tcp)); }
  void start_reading();
  void wake_reader(int outcome);
  /// EOF or an error arrived while no reader waits: cancels the hangup token, if one is set.
  void on_closed_by_peer();
  void arm_timer(Duration d, Timer::Callback cb);
  void disarm_timer();
};

class TcpStream::ReadAwaiter {
 public:
  ReadAwaiter(StreamState* s, Duration timeout) : s_(s), timeout_(timeout) {}
  bool await_ready();
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    suspend(h, detail::token_of(h));
  }
  std::size_t await_resume();

 private:
  void suspend(std::coroutine_handle<> h, CancelToken* token);
  StreamState* s_;
  Duration timeout_;
  std::size_t before_ = 0;
  bool ready_ = false;
  bool pinned_ = false;
};

class TcpStream::WriteAwaiter {
 public:
  WriteAwaiter(StreamState* s, std::string_view data, Duration timeout)
      : s_(s), data_(data), timeout_(timeout) {}
  bool await_ready();
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    suspend(h, detail::token_of(h));
  }
  void await_resume();

 private:
  void suspend(std::coroutine_handle<> h, CancelToken* token);
  static void on_write(uv_write_t* req, int status);
  static void on_timeout(void* self);
  static void on_cancel(void* self);
  void give_up(int outcome);
  StreamState* s_;
  std::string_view data_;
  Timer timer_;
  Duration timeout_;
  int status_ = 0;
  int outcome_ = 0;  // 0 pending, 1 done, 2 timeout, 3 cancelled
  std::coroutine_handle<> h_;
  CancelToken::Subscription sub_;
  struct Req;
  Req* req_ = nullptr;
};

}  // namespace core
