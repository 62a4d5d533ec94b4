#pragma once
/// @file
/// The SMTP client, on libcurl's multi interface. All of libcurl runs on one SMTP thread per
/// process, with its own loop (libcurl's SMTP code waits for the reply to the end of DATA with
/// a blocking poll, curl issue #8555: that wait holds the SMTP thread, never a worker's loop).
/// send() posts the transfer there and resumes on the caller's loop with the result.
/// Connections to the relay are kept and reused between sends (at most
/// SmtpOptions::max_connections per process: Clients with equal options share them), the
/// queue to the SMTP thread is bounded (SmtpOptions::queue_capacity), and every send has a
/// deadline.
///
/// One Client per worker loop is the usual shape; use a Client on one thread at a time, and
/// destroy it only when none of its sends is in flight. The first Client starts the SMTP
/// thread; the last one to be destroyed stops and joins it.
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
  /// Throws std::runtime_error when the SMTP thread or libcurl cannot be set up.
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
  /// core::TimeoutError (SmtpOptions::timeout passed, counted from this call: time spent in
  /// the queue counts), core::Cancelled (the awaiting chain was cancelled, e.g. by
  /// with_timeout: the awaiter resumes at once and the transfer is dropped on the SMTP thread),
  /// core::PoolFull (queue_capacity sends already pending: answer 503), std::invalid_argument
  /// (an address that would not be a valid SMTP path; check with wire::mail first).
  /// Needs a core::Loop on the calling thread.
  /// The envelope is taken by value: the task may outlive the caller's copy.
  Task<void> send(Envelope envelope);

  /// Connections opened to the relay so far (connection reuse keeps it low).
  std::size_t connections_opened() const noexcept;
  /// Sends that completed successfully.
  std::size_t sent() const noexcept;
  /// The longest time one call into libcurl held the SMTP thread (shared by every Client)
  /// since it started. libcurl's SMTP waits for the relay's reply to the end of DATA with a
  /// blocking poll (its "done" step is not non-blocking, curl issue #8555), so this is about
  /// the relay's slowest DATA reply: how long any send may have been delayed by another.
  /// Worker loops are never held by it.
  std::chrono::microseconds longest_stall() const noexcept;

  const SmtpOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::smtp
