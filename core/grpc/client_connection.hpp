#pragma once
/// @file
/// One h2c connection of the gRPC client (core/grpc/client.hpp): an HTTP/2 client session
/// (core/http2) over a TcpStream, many calls multiplexed on it, each a stream. A reader
/// coroutine feeds the session what arrives; a writer sends what the session produces (the
/// requests of one turn of the loop leave in one write). A call's outcome comes from its
/// trailers (or a trailers-only response); a connection that breaks fails the calls it carried
/// with core::NetError.
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/grpc/methods.hpp"
#include "core/http2/client_session.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/runtime/callback_awaiter.hpp"
#include "core/runtime/wait_list.hpp"
#include "wire/grpc/framing.hpp"

namespace core::grpc {

class ClientConnection;

/// The server refused the stream before processing it (RST_STREAM REFUSED_STREAM, or a GOAWAY
/// that left it out): UNAVAILABLE, and safe to send again.
struct StreamRefused : Error {
  StreamRefused() : Error(StatusCode::unavailable, "stream refused by the server") {}
};

/// One call in flight, in the calling coroutine's frame: `co_await call` gives the response
/// message, or throws Error (a status other than OK) or NetError (the connection broke).
class ClientCall final : public CallbackAwaiter<std::string> {
 public:
  ClientCall(ClientConnection* conn, std::size_t max_message)
      : conn_(conn), deframer_(max_message) {}
  ~ClientCall();
  ClientCall(const ClientCall&) = delete;
  ClientCall& operator=(const ClientCall&) = delete;

 private:
  friend class ClientConnection;
  void start() override {}
  void stop() override;  // the caller gave up (deadline, cancellation): RST_STREAM CANCEL

  void on_response(const http2::Headers& headers);
  void on_data(std::string_view data);
  void on_trailers(const http2::Headers& headers);
  /// The stream closed: settles the outcome from what arrived.
  void on_close(std::uint32_t error_code);
  void lose(std::exception_ptr why) { fail(Resume::next_turn, std::move(why)); }
  void finish_with_status(const http2::Headers& headers);

  ClientConnection* conn_;
  std::int32_t stream_ = 0;
  std::uint64_t started_ms_ = 0;
  std::uint64_t reads_at_send_ = 0;
  int http_status_ = 0;
  wire::grpc::Deframer deframer_;
  std::optional<Error> error_;  // settled before the close (bad response, oversized message)
  bool settled_ = false;
};

class ClientConnection : public std::enable_shared_from_this<ClientConnection>,
                         private http2::StreamEvents {
 public:
  enum class State { connecting, open, broken };

  ClientConnection(std::string host, int port, http2::SessionLimits limits, Duration io_timeout);
  ~ClientConnection() override;

  /// Connects, then reads until the connection ends; run it detached under token().
  static Task<void> run(std::shared_ptr<ClientConnection> self, Duration connect_timeout);

  /// Waits until connected (or failed: rethrows the connect error as NetError).
  Task<void> opened();

  /// Starts `call` (begun at loop time `started_ms`) on a new stream; NetError when this
  /// connection takes no new streams (GOAWAY, broken).
  void start(ClientCall& call, const http2::Headers& headers, std::string body, std::uint64_t started_ms);

  /// Fails every call in flight with `why` and closes.
  void fail(const std::exception_ptr& why);
  /// Waits until the reader and the writer coroutines have ended (after fail() and a
  /// cancelled token(), within a turn or two of the loop).
  Task<void> ended();

  State state() const noexcept { return state_; }
  /// Open and able to take new streams.
  bool usable() const noexcept { return state_ == State::open && session_.can_request(); }
  bool connect_failed() const noexcept { return connect_error_ != nullptr; }
  /// Loop time when the connect failed or the connection broke.
  std::uint64_t failed_at_ms() const noexcept { return failed_at_ms_; }
  std::size_t calls() const noexcept { return calls_.size(); }
  const std::string& address() const noexcept { return address_; }
  CancelToken* token() noexcept { return &token_; }

 private:
  friend class ClientCall;
  void on_response(std::int32_t stream, http2::Headers headers) override;
  void on_data(std::int32_t stream, std::string_view data) override;
  void on_trailers(std::int32_t stream, http2::Headers headers) override;
  void on_end(std::int32_t) override {}
  void on_close(std::int32_t stream, std::uint32_t error_code) override;

  ClientCall* find(std::int32_t stream);
  /// RST_STREAM CANCEL for `call`'s stream; `caller_left`: its awaiter is gone (deadline,
  /// cancellation), else it still waits for the stream's close to learn the outcome.
  void cancel(ClientCall& call, bool caller_left);
  void kick();
  static Task<void> write_frames(std::shared_ptr<ClientConnection> self);
  Task<void> read_loop();

  std::string address_;  // host:port, for errors and :authority
  std::string host_;
  int port_;
  Duration io_timeout_;
  State state_ = State::connecting;
  CancelToken token_;  // the reader, the writer and the connect
  TcpStream stream_;
  http2::ClientSession session_;
  WaitList opened_;
  std::exception_ptr connect_error_;
  std::uint64_t failed_at_ms_ = 0;
  std::unordered_map<std::int32_t, ClientCall*> calls_;
  std::string out_;
  bool writing_ = false;
  bool reading_ = false;  // run() is alive
  WaitList ended_;
  std::uint64_t reads_ = 0;  // reads that brought bytes
};

}  // namespace core::grpc
