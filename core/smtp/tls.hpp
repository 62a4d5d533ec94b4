#pragma once
/// @file
/// TLS for the SMTP client with OpenSSL memory BIOs over our own TcpStream: OpenSSL never
/// touches the socket, so every wait is a TcpStream await on the caller's loop, with a
/// deadline. The peer's certificate chain and its host name (or IP address) are verified.
#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/net/buffer.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/runtime/task.hpp"

namespace core::smtp {

/// The settings every TLS session of one relay shares: the trusted CAs (a PEM file, or the
/// system store), TLS 1.2 at least, peer verification on.
class TlsContext {
 public:
  /// Throws std::runtime_error when the CA file cannot be loaded.
  explicit TlsContext(const std::optional<std::string>& ca_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  SSL_CTX* get() const noexcept { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

/// One TLS session on a connected stream. Not thread-safe; use on the stream's loop.
class TlsChannel {
 public:
  /// `host` is what the certificate must name (a DNS name, or an IP address literal).
  TlsChannel(const TlsContext& context, const std::string& host);
  ~TlsChannel();
  TlsChannel(const TlsChannel&) = delete;
  TlsChannel& operator=(const TlsChannel&) = delete;

  /// Runs the client handshake. Throws smtp::Error (refused certificate, protocol failure),
  /// TimeoutError, NetError, Cancelled.
  Task<void> handshake(TcpStream& stream, Duration timeout);
  /// Encrypts and writes all of `plain`.
  Task<void> write(TcpStream& stream, std::string_view plain, Duration timeout);
  /// Waits for decrypted bytes and appends them to `plain`; returns how many (0: the peer
  /// closed the session or the connection).
  Task<std::size_t> read_some(TcpStream& stream, Buffer& plain, Duration timeout);
  /// Encrypts `plain` (and a close_notify after it when `close`) without writing: bytes for
  /// a last non-waiting write before closing.
  std::string seal(std::string_view plain, bool close);

 private:
  void feed(TcpStream& stream);  // moves the stream's received bytes into OpenSSL
  std::string drain();           // what OpenSSL wants sent
  [[noreturn]] void fail(const char* what, int ssl_error);

  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // network -> OpenSSL (owned by ssl_)
  BIO* out_ = nullptr;  // OpenSSL -> network (owned by ssl_)
};

}  // namespace core::smtp
