#pragma once
/// @file
/// One gRPC connection of the server: HTTP/2 (core/http2) over a TcpStream, each request
/// stream deframed (wire/grpc) and, once whole, run as its own coroutine under the call's
/// deadline; the answer is HEADERS + the message + trailers, or a trailers-only response for
/// an error. Reading pauses while the socket does not take what we write (a peer that never
/// reads cannot make us buffer without bound); request bytes held per connection are capped.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/grpc/methods.hpp"
#include "core/http2/session.hpp"
#include "core/net/connection_set.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/runtime/wait_list.hpp"
#include "wire/grpc/framing.hpp"

namespace core::grpc {

struct ConnectionConfig {
  std::shared_ptr<const MethodTable> methods;
  /// When not empty, every call needs "authorization: Bearer <token>" (else UNAUTHENTICATED).
  std::string token;
  http2::SessionLimits limits;
  std::size_t max_message = wire::grpc::kMaxMessage;
  /// Request bytes held at once across the streams of one connection.
  std::size_t max_buffered = 16u << 20;
  /// No stream open and nothing arriving for this long: the connection closes.
  Duration idle_timeout = std::chrono::minutes(5);
  /// A peer that takes none of our bytes for this long is cut off.
  Duration write_timeout = std::chrono::seconds(30);
};

class ServerConnection : public ConnectionSet::Member, private http2::StreamEvents {
 public:
  ServerConnection(TcpStream stream, std::shared_ptr<const ConnectionConfig> config);
  ~ServerConnection() override;

  /// Serves until the peer leaves, the connection is cut (token), or a drain completes.
  static Task<void> serve(std::unique_ptr<ServerConnection> self);

  /// GOAWAY: no new streams; the connection closes once the open ones are answered.
  void begin_drain();

  /// The token the serving coroutine runs under (a child of `token`).
  CancelToken* read_token() noexcept { return &read_token_; }

  std::size_t open_streams() const noexcept { return pending_.size() + running_.size(); }

 private:
  struct Pending {
    const Handler* handler = nullptr;
    http2::Headers metadata;
    std::optional<std::uint64_t> deadline_ms;  // loop clock
    wire::grpc::Deframer deframer;
    std::size_t held = 0;  // bytes counted in buffered_
  };
  struct Running {
    CancelToken token;
    bool closed = false;  // the stream is gone: nobody to answer
  };

  void on_request(std::int32_t stream, http2::Headers headers) override;
  void on_data(std::int32_t stream, std::string_view data) override;
  void on_end(std::int32_t stream) override;
  void on_close(std::int32_t stream, std::uint32_t error_code) override;

  void fail(std::int32_t stream, StatusCode code, const std::string& message);
  void forget_pending(std::int32_t stream);
  void start_call(std::int32_t stream, Pending pending);
  static Task<void> run_call(ServerConnection* c, std::int32_t stream, const Handler* handler,
                             Call call, std::optional<std::uint64_t> deadline_ms);
  void answer(std::int32_t stream, StatusCode code, const std::string& message, std::string body);
  void kick();
  static Task<void> write_frames(ServerConnection* c);
  Task<void> final_flush();
  void maybe_finish_drain();

  TcpStream stream_;
  std::shared_ptr<const ConnectionConfig> config_;
  CancelToken read_token_{&token};  // the reading only (drain, broken writes)
  http2::ServerSession session_;
  std::unordered_map<std::int32_t, Pending> pending_;
  std::unordered_map<std::int32_t, std::unique_ptr<Running>> running_;
  std::size_t buffered_ = 0;
  std::string out_;
  bool writing_ = false;   // the writer coroutine is alive
  bool blocked_ = false;   // ... and waits for the socket to take bytes
  bool broken_ = false;
  bool draining_ = false;
  std::size_t in_flight_ = 0;  // call coroutines and the writer
  WaitList progress_;
};

}  // namespace core::grpc
