#pragma once
/// @file
/// One HTTP/2 connection, with nghttp2 as the frame and HPACK engine: the caller feeds it the
/// bytes it read (receive) and writes out the bytes it produces (produce), so nghttp2 never
/// touches a socket and the loop never blocks. Cleartext with prior knowledge (h2c, what
/// grpc-go's insecure credentials speak). Session holds what both ends share (the callbacks,
/// header-list accounting, bodies sent within the peer's windows); ServerSession sees requests
/// through StreamEvents and answers with respond()/respond_headers_only(); ClientSession
/// (client_session.hpp) sends requests and sees responses and trailers.
///
/// Bounds: SETTINGS advertise the concurrent-stream cap (nghttp2 refuses streams past it with
/// RST_STREAM REFUSED_STREAM) and the header-list size (a stream past it is reset); the
/// inbound window is the initial window per stream, replenished as the protocol above takes
/// the data; outbound DATA goes only within the peer's windows, and produce() hands out at
/// most what the caller asks, so a peer that never reads holds up its own streams only.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct nghttp2_session;

namespace core::http2 {

struct Header {
  std::string name;  // lower case
  std::string value;
};
using Headers = std::vector<Header>;

/// HTTP/2 error codes (RFC 9113 §7) the protocol above tells apart, in RST_STREAM and GOAWAY.
namespace error_code {
inline constexpr std::uint32_t no_error = 0x0;
inline constexpr std::uint32_t protocol_error = 0x1;
inline constexpr std::uint32_t internal_error = 0x2;
inline constexpr std::uint32_t refused_stream = 0x7;
inline constexpr std::uint32_t cancel = 0x8;
inline constexpr std::uint32_t enhance_your_calm = 0xb;
}  // namespace error_code

/// The first value of `name` (lower case), or nullptr.
const std::string* find_header(const Headers& headers, std::string_view name) noexcept;

struct SessionLimits {
  std::uint32_t max_concurrent_streams = 256;
  std::uint32_t max_header_list = 16 * 1024;  // name + value + 32 per field, as RFC 9113 counts
  std::uint32_t initial_window = 1 << 20;     // per stream, inbound
};

/// What the protocol above learns about the streams. Called from inside receive()/produce();
/// respond() and reset() may be called from them.
class StreamEvents {
 public:
  virtual ~StreamEvents() = default;
  /// A request's header block is complete (pseudo-headers included, checked by nghttp2).
  /// Server side.
  virtual void on_request(std::int32_t, Headers) {}
  /// A response's header block (:status included; with END_STREAM a trailers-only
  /// response, on_end follows). Client side.
  virtual void on_response(std::int32_t, Headers) {}
  /// A trailing header block (it ends the stream; on_end follows).
  virtual void on_trailers(std::int32_t, Headers) {}
  virtual void on_data(std::int32_t stream, std::string_view data) = 0;
  /// The peer ended its side of the stream.
  virtual void on_end(std::int32_t stream) = 0;
  /// The stream is gone (answered, reset by either side, or the session ended); error_code is
  /// the HTTP/2 error code, 0 after a normal end.
  virtual void on_close(std::int32_t stream, std::uint32_t error_code) = 0;
};

class Session {
 public:
  virtual ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Feeds bytes read from the peer. False when the connection is beyond saving (a bad
  /// preface, a flood, a fatal error): send what produce() still gives, then close.
  bool receive(std::string_view data);
  /// Appends frames ready to go out, stopping once `out` holds about `max` bytes.
  void produce(std::string& out, std::size_t max);

  bool want_read() const noexcept;
  bool want_write() const noexcept;
  /// Nothing left to do: both sides are done with the session.
  bool finished() const noexcept { return !want_read() && !want_write(); }

  /// RST_STREAM with the given HTTP/2 error code.
  void reset(std::int32_t stream, std::uint32_t error_code);
  /// GOAWAY (NO_ERROR) naming the last stream taken: no new streams, those open finish.
  void goaway();

  // Used by the C callbacks.
  struct Outgoing {
    std::string body;
    std::size_t sent = 0;
    Headers trailers;
  };
  struct Incoming {
    Headers headers;
    std::size_t header_bytes = 0;
  };
  StreamEvents* events() const noexcept { return events_; }
  const SessionLimits& limits() const noexcept { return limits_; }
  std::unordered_map<std::int32_t, Outgoing>& outgoing() noexcept { return outgoing_; }
  std::unordered_map<std::int32_t, Incoming>& incoming() noexcept { return incoming_; }
  std::unordered_set<std::int32_t>& stop_after_response() noexcept { return stop_after_response_; }
  nghttp2_session* raw() const noexcept { return session_; }

 protected:
  enum class Role { server, client };
  Session(Role role, StreamEvents* events, const SessionLimits& limits);

  StreamEvents* events_;
  SessionLimits limits_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<std::int32_t, Outgoing> outgoing_;
  std::unordered_map<std::int32_t, Incoming> incoming_;
  std::unordered_set<std::int32_t> stop_after_response_;
};

class ServerSession : public Session {
 public:
  ServerSession(StreamEvents* events, const SessionLimits& limits)
      : Session(Role::server, events, limits) {}

  /// Answers a stream: HEADERS (`headers`, :status included), DATA (`body`), then trailers.
  void respond(std::int32_t stream, const Headers& headers, std::string body, const Headers& trailers);
  /// Answers with one HEADERS frame that ends the stream (gRPC's trailers-only response).
  /// With `stop_request`, once that frame is out the rest of the request is refused with
  /// RST_STREAM NO_ERROR (RFC 9113 8.1: a complete response before the whole request).
  void respond_headers_only(std::int32_t stream, const Headers& headers, bool stop_request = false);
};

}  // namespace core::http2
