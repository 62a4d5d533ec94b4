#pragma once
/// @file
/// The gRPC client of one worker loop: one long-lived h2c connection (prior knowledge) to one
/// server, every call a stream multiplexed on it. Unary calls only: the request message's
/// bytes in, the response message's bytes out.
///
/// - Deadline: each call has one (CallOptions::timeout, else call_timeout); the time left
///   when the request goes out is sent as grpc-timeout, and past it the stream is cancelled
///   (RST_STREAM CANCEL) and the call throws core::TimeoutError.
/// - Metadata: `authorization: Bearer <token>` when a token is set, `idempotency-key` when
///   the call has one, and any other entries the call adds.
/// - A status other than OK (from the trailers, or a trailers-only response) throws Error with
///   the code and the decoded grpc-message; a response that breaks the protocol throws Error
///   INTERNAL; a response message past max_message throws Error RESOURCE_EXHAUSTED.
/// - No connection (refused, unreachable, broken with the call in flight, or waiting out the
///   back-off after a failed connect): core::NetError, at once (no waiting for the server to
///   come back: the caller's deadline is for the call, not for the reconnect).
/// - Reconnect: a connection that broke is replaced on the next call; connect attempts that
///   keep failing are spaced by an exponential back-off with jitter. A stream the server
///   refused unprocessed (REFUSED_STREAM, or left out by its GOAWAY when it drains) is sent
///   once more, on a connection that takes new streams, within the same deadline.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/grpc/client_connection.hpp"

namespace core::grpc {

struct ClientOptions {
  std::string host = "127.0.0.1";
  int port = 50001;
  /// When not empty, every call carries "authorization: Bearer <token>".
  std::string token;
  /// Deadline of a call without its own, connecting included.
  Duration call_timeout = std::chrono::seconds(5);
  Duration connect_timeout = std::chrono::seconds(2);
  /// Wait after the first failed connect; doubles per failure up to backoff_max (±20% jitter).
  Duration backoff_initial = std::chrono::milliseconds(100);
  Duration backoff_max = std::chrono::seconds(5);
  /// Largest message sent or received.
  std::size_t max_message = wire::grpc::kMaxMessage;
  /// Calls in flight on the connection; one more fails at once with NetError (UV_EBUSY).
  std::size_t max_in_flight = 1024;
  http2::SessionLimits limits;
};

struct CallOptions {
  /// The call's deadline from now; empty: ClientOptions::call_timeout.
  std::optional<Duration> timeout;
  /// Sent as the idempotency-key metadata entry when not empty.
  std::string idempotency_key;
  /// More metadata (names lower case, e.g. x-request-id).
  http2::Headers metadata;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  /// Fails the calls in flight (NetError) and closes the connection.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Calls `path` ("/logs.LogService/WriteLog") with a request message (protobuf bytes) and
  /// returns the response message. Throws as the file comment says.
  Task<std::string> call(std::string path, std::string request, CallOptions options = {});

  /// Fails the calls in flight (NetError), closes the connections and waits until their
  /// coroutines are gone: a worker's drain step, while its loop still runs. Calls after it
  /// fail at once with NetError.
  Task<void> close();

  const ClientOptions& options() const noexcept { return options_; }
  /// Connections open now (0 or 1; 2 while one that got GOAWAY finishes its calls).
  std::size_t open_connections() const noexcept;
  /// Connections made so far (for tests: a reconnect makes one more).
  std::size_t connects() const noexcept { return connects_; }

 private:
  /// The connection for a new call: the current one, or a new one unless the back-off says
  /// wait (then NetError).
  std::shared_ptr<ClientConnection> connection();
  http2::Headers headers_for(std::string path, const CallOptions& options) const;
  static Task<std::string> call_retrying(std::shared_ptr<Client*> client, http2::Headers headers,
                                         std::string request, std::uint64_t started_ms,
                                         std::uint64_t deadline_ms);

  ClientOptions options_;
  std::string authority_;
  std::shared_ptr<ClientConnection> current_;
  std::vector<std::shared_ptr<ClientConnection>> retiring_;  // GOAWAY in, calls still open
  Duration backoff_{0};
  std::uint64_t retry_at_ms_ = 0;
  std::size_t connects_ = 0;
  bool closed_ = false;
  /// Points at this client until it is destroyed: a call resuming later checks it first.
  std::shared_ptr<Client*> self_ = std::make_shared<Client*>(this);
};

}  // namespace core::grpc
