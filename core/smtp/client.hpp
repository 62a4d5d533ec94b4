#pragma once
/// @file
/// The SMTP client of one loop, on libcurl's multi interface: sends never block the loop,
/// connections to the relay are kept and reused between sends (at most
/// SmtpOptions::max_connections), and every send has a deadline.
///
/// One Client per worker loop (it owns that loop's curl multi handle); create and use it on
/// the loop's thread, and destroy it only when none of its sends is in flight.
#include <chrono>
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
                        ///< (not dot-stuffed: libcurl does that)
};

class Client {
 public:
  /// Throws std::runtime_error when libcurl cannot be set up. Needs a core::Loop on this thread.
  explicit Client(SmtpOptions options);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Delivers the envelope to the relay. Completes when the relay accepted the DATA.
  ///
  /// Errors: smtp::Error (refused connection, TLS or AUTH failure, a rejected sender or
  /// recipient, any other curl failure, with curl's message and the SMTP reply code),
  /// core::TimeoutError (SmtpOptions::timeout passed), core::Cancelled (the awaiting chain was
  /// cancelled, e.g. by with_timeout: the transfer is dropped at once), std::invalid_argument
  /// (an address that would not be a valid SMTP path; check with wire::mail first).
  /// The envelope is taken by value: the task may outlive the caller's copy.
  Task<void> send(Envelope envelope);

  /// Connections opened to the relay so far (connection reuse keeps it low).
  std::size_t connections_opened() const noexcept;
  /// Sends that completed successfully.
  std::size_t sent() const noexcept;
  /// The longest time one call into libcurl held the loop. libcurl's SMTP waits for the
  /// relay's reply to the end of DATA with a blocking poll (its "done" step is not
  /// non-blocking, curl issue #8555), so this is about the relay's slowest DATA reply: small
  /// for a local relay, worth a metric for a remote one.
  std::chrono::microseconds longest_stall() const noexcept;

  const SmtpOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::smtp
