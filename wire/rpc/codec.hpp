#pragma once
/// @file
/// Go's net/rpc on the wire, both of its codecs (gob, and JSON-RPC 1.0 as net/rpc/jsonrpc),
/// as incremental decoders and encoders over bytes: no sockets here. A server connection uses
/// a ServerCodec (decodes calls, encodes replies), a client connection a ClientCodec.
///
/// Decoders take bytes as they arrive:
/// @code
///   auto p = codec.feed(bytes);
///   // need_more: every byte was taken (a partial frame is kept inside), feed more later.
///   // message:   take() it, then feed bytes.substr(p.consumed), even when that is empty
///   //            (frames that arrived together may wait inside).
///   // error:     final; error() says why; the connection is to be closed.
/// @endcode
/// See docs/rpc.md for the byte layouts.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace wire::rpc {

/// Largest frame accepted: one gob message, or one JSON object.
inline constexpr std::size_t kMaxFrameBytes = 1 << 20;

enum class Codec { gob, json };

/// The codec of a connection, from its first byte: `{` or JSON whitespace -> json, else gob.
Codec detect_codec(char first_byte) noexcept;

/// "gob" / "json".
std::string_view codec_name(Codec codec) noexcept;
/// Parses "gob" / "json"; nullopt for anything else.
std::optional<Codec> parse_codec(std::string_view name) noexcept;

/// The argument of every call of this protocol: Go's `RPCPayload{Name, Data string}`, plus the
/// request id and traceparent that ride along in JSON's "meta" and in extra fields of the gob
/// request header.
struct Payload {
  std::string name;
  std::string data;
  std::string request_id;
  std::string traceparent;
};

/// What a reply must echo: gob echoes the method and seq; JSON echoes the id verbatim.
struct ReplyTo {
  std::string method;
  std::uint64_t seq = 0;
  std::string json_id = "null";  ///< the request's "id", as JSON text (json only)
};

/// A decoded request.
struct Call {
  ReplyTo reply_to;  ///< reply_to.method is the "Service.Method" called
  Payload payload;
  /// Set when the header decoded but the argument did not (wrong type, bad field): the call
  /// is answered with this error, and the connection goes on.
  std::string error;
};

/// A decoded reply.
struct Reply {
  enum class Outcome {
    ok,        ///< `text` is the result
    error,     ///< the server answered an error; `text` is its message
    malformed  ///< the reply's body did not decode; `text` says why
  };
  std::uint64_t seq = 0;
  Outcome outcome = Outcome::ok;
  std::string text;
};

enum class DecodeStatus { need_more, message, error };

struct DecodeProgress {
  DecodeStatus status;
  std::size_t consumed;
};

/// The server side of one connection.
class ServerCodec {
 public:
  virtual ~ServerCodec() = default;
  virtual DecodeProgress feed(std::string_view data) = 0;
  /// The call feed() reported; only after DecodeStatus::message.
  virtual Call take() = 0;
  /// Bytes of an unfinished frame are held (the connection is mid-message).
  virtual bool partial() const noexcept = 0;
  /// Why decoding failed (after DecodeStatus::error).
  virtual const std::string& error() const noexcept = 0;
  /// Whom to tell about the failure, when the failed frame can be matched to a call.
  virtual std::optional<ReplyTo> error_reply_to() const = 0;

  /// Appends the reply carrying `result`.
  virtual void encode_reply(std::string& out, const ReplyTo& to, std::string_view result) = 0;
  /// Appends an error reply carrying `message`.
  virtual void encode_error(std::string& out, const ReplyTo& to, std::string_view message) = 0;
};

/// The client side of one connection.
class ClientCodec {
 public:
  virtual ~ClientCodec() = default;
  /// Appends the request for `method` with sequence number `seq`.
  virtual void encode_call(std::string& out, std::string_view method, std::uint64_t seq,
                           const Payload& payload) = 0;
  virtual DecodeProgress feed(std::string_view data) = 0;
  virtual Reply take() = 0;
  virtual bool partial() const noexcept = 0;
  virtual const std::string& error() const noexcept = 0;
};

std::unique_ptr<ServerCodec> make_server_codec(Codec codec);
std::unique_ptr<ClientCodec> make_client_codec(Codec codec);

}  // namespace wire::rpc
