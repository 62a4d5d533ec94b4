#pragma once
/// @file
/// One SMTP session with the relay on the caller's loop: connect, greeting, EHLO, STARTTLS
/// (or TLS from the first byte), EHLO again, AUTH PLAIN/LOGIN; then mail transactions one
/// after another (wire::smtp::Transaction, pipelined when the relay offers PIPELINING).
/// Every wait has SmtpOptions::command_timeout. Private to core/smtp (the Client pools these).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/buffer.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/runtime/task.hpp"
#include "core/smtp/options.hpp"
#include "core/smtp/tls.hpp"
#include "wire/smtp/extensions.hpp"
#include "wire/smtp/reply.hpp"

namespace core::smtp::detail {

class Connection {
 public:
  /// Opens a session ready for MAIL FROM. `tls` is required for starttls/tls encryption.
  /// Throws smtp::Error (connect, tls, auth, protocol, closed, refused), TimeoutError,
  /// Cancelled.
  static Task<std::unique_ptr<Connection>> open(const SmtpOptions& options, const TlsContext* tls);

  Connection(const SmtpOptions& options, TcpStream stream);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// One transaction: `payload` is wire::smtp::data_payload(message). Returns when the relay
  /// took the mail. Throws smtp::Error: refused (the session stays usable: idle() is true),
  /// closed / protocol (outcome_unknown once the message was sent), too_large; TimeoutError,
  /// Cancelled, NetError. After anything but a refusal the session is out of step: close it.
  Task<void> send(std::string_view mail_from, const std::vector<std::string>& recipients,
                  std::string_view payload);

  /// Between transactions, in step with the relay, and the relay has not closed or spoken
  /// since (an idle connection keeps reading, so a 421 or a close shows up without a syscall).
  bool idle() const noexcept;
  /// Says QUIT without waiting for the answer, then closes.
  void close() noexcept;

  const wire::smtp::Extensions& extensions() const noexcept { return ext_; }
  std::uint64_t idle_since_ms = 0;  ///< the loop clock when it went back to the pool

 private:
  Task<void> start(const TlsContext* tls);
  Task<void> upgrade(const TlsContext& tls);
  Task<void> hello();
  Task<void> authenticate();
  Task<wire::smtp::Reply> read_reply();
  Task<void> write(std::string_view bytes);
  Task<wire::smtp::Reply> command(std::string_view line);
  Buffer& input() noexcept { return tls_ ? plain_ : stream_.input(); }

  const SmtpOptions& options_;
  TcpStream stream_;
  std::unique_ptr<TlsChannel> tls_;
  Buffer plain_;  // decrypted bytes (TLS only)
  wire::smtp::Extensions ext_;
  bool in_step_ = false;     // between transactions, every reply read
  bool needs_reset_ = false; // the last transaction was refused: RSET first
  bool used_ = false;        // a transaction ran on it already
};

}  // namespace core::smtp::detail
