#pragma once
/// @file
/// The client side of one HTTP/2 connection (see Session): request() opens a stream with
/// HEADERS and sends its body within the peer's windows; the answer comes through
/// StreamEvents::on_response / on_data / on_trailers / on_end / on_close. Streams past the
/// peer's SETTINGS_MAX_CONCURRENT_STREAMS wait inside nghttp2 until one closes.
#include "core/http2/session.hpp"

namespace core::http2 {

class ClientSession : public Session {
 public:
  ClientSession(StreamEvents* events, const SessionLimits& limits)
      : Session(Role::client, events, limits) {}

  /// Opens a stream: HEADERS (`headers`, pseudo-headers first), then `body` with END_STREAM.
  /// Returns the stream id, or 0 when no stream can be opened (GOAWAY in, stream ids spent,
  /// no memory); `why` then says which.
  std::int32_t request(const Headers& headers, std::string body, std::string* why = nullptr);

  /// False once either side sent GOAWAY: new requests belong on a new connection.
  bool can_request() const noexcept;
};

}  // namespace core::http2
