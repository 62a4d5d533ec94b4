#pragma once
/// @file
/// The SMTP client, on the caller's own loop: a pool of reused sessions to one relay
/// (core/smtp/connection.hpp), STARTTLS or TLS with OpenSSL memory BIOs over TcpStream,
/// AUTH PLAIN/LOGIN, PIPELINING when offered, a deadline on every wait. Nothing blocks the
/// loop; there is no thread of its own.
///
/// One Client per worker loop is the usual shape (each has its own pool of at most
/// SmtpOptions::max_connections sessions). Use a Client on one loop only, and destroy it on
/// that loop when none of its sends is in flight.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime/task.hpp"
#include "core/smtp/error.hpp"
#include "core/smtp/options.hpp"

namespace core::smtp {

/// One SMTP transaction: MAIL FROM, RCPT TO for each recipient, DATA.
struct Envelope {
  std::string mail_from;                ///< reverse-path, a bare address
  std::vector<std::string> recipients;  ///< forward-paths, bare addresses, at least one
  std::string message;  ///< headers + body with CRLF line ends, as wire::mail::compose makes it
                        ///< (not dot-stuffed: the client does that, once)
};

class Client {
 public:
  /// Throws std::runtime_error when the TLS settings cannot be loaded (MAIL_CA_FILE).
  explicit Client(SmtpOptions options);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Delivers the envelope to the relay. Completes when the relay accepted the message.
  ///
  /// A pooled session the relay closed (or answered 421 on) before the message went out is
  /// replaced by a new one once; a message is never written twice.
  ///
  /// Errors: smtp::Error (see its kinds; `permanent()` for a 5xx, `outcome_unknown` when the
  /// connection was lost after the message went out), core::TimeoutError
  /// (SmtpOptions::timeout passed, counted from this call, or one wait passed
  /// command_timeout), core::Cancelled, core::PoolFull (queue_capacity sends already wait
  /// for a connection: answer 503), std::invalid_argument (an address that would not be a
  /// valid SMTP path; check with wire::mail first). Needs a core::Loop on the calling thread.
  Task<void> send(Envelope envelope);

  /// Connections opened to the relay so far (connection reuse keeps it low).
  std::size_t connections_opened() const noexcept;
  /// Sends that completed successfully.
  std::size_t sent() const noexcept;
  /// Connections open now (idle or in use).
  std::size_t connections_open() const noexcept;

  const SmtpOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::smtp
