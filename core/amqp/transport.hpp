#pragma once
// One live AMQP connection on a loop, after the blocking set-up: uv_poll on the library's
// socket; after each wake-up every frame the library can produce is drained (poll does not
// wake for bytes it already buffered); frames we send are encoded here and written only as the
// socket accepts them (the rest waits for UV_WRITABLE); heartbeats go out from a timer and
// missed ones from the broker fail the transport.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/amqp/codec.hpp"
#include "core/amqp/setup.hpp"
#include "core/runtime/poll_handle.hpp"
#include "core/runtime/timer_handle.hpp"

struct uv_prepare_s;
struct uv_idle_s;

namespace core::amqp::detail {

/// Receives what the transport reads. Called on the loop, from inside the transport's
/// callbacks: it must not destroy the transport there (defer that).
class FrameSink {
 public:
  virtual void on_frame(const amqp_frame_t& frame) = 0;
  /// Called once when the transport fails; polling has stopped already.
  virtual void on_transport_failed(const std::string& reason) = 0;

 protected:
  ~FrameSink() = default;
};

class Transport {
 public:
  Transport(SetupResult setup, FrameSink& sink);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// Starts polling, the heartbeat timer, and drains what set-up left buffered.
  void start();

  void send_method(std::uint16_t channel, amqp_method_number_t id, void* decoded);
  /// A method with content (basic.publish): method, header and body frames back to back.
  void send_message(std::uint16_t channel, amqp_method_number_t id, void* decoded,
                    const Properties& props, std::string_view body);

  bool failed() const noexcept { return failed_; }
  /// Stops polling now, before anything may close the fd, then tells the sink. Idempotent.
  void fail(const std::string& reason);
  /// Shuts the socket down as a network failure would (tests): the transport then fails.
  void abort_socket() noexcept;

  const Negotiated& negotiated() const noexcept { return negotiated_; }
  /// Bytes encoded and not yet written.
  std::size_t pending_output() const noexcept { return out_.size() - out_off_; }

 private:
  static void on_poll(void* self, int status, int events);
  static void on_prepare(uv_prepare_s* handle);
  static void on_idle(uv_idle_s* handle);
  static void on_heartbeat(void* self);
  void drain();
  void flush();
  void schedule_flush();
  void watch(bool writable);
  void stop_io() noexcept;

  ConnectionPtr conn_;
  Negotiated negotiated_;
  FrameSink& sink_;
  int fd_ = -1;
  Poll poll_;
  uv_prepare_s* prepare_ = nullptr;  // flushes output right before the loop blocks
  uv_idle_s* idle_ = nullptr;        // drains frames left buffered after a capped wake-up
  Timer heartbeat_;
  std::string out_;
  std::size_t out_off_ = 0;
  bool watching_writable_ = false;
  bool flush_scheduled_ = false;
  bool failed_ = false;
  std::uint64_t last_read_ms_ = 0;
  FrameEncoder encoder_;
  EncodeArena arena_;
};

}  // namespace core::amqp::detail
