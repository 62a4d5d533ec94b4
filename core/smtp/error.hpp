#pragma once
/// @file
/// What a failed send throws.
#include <stdexcept>
#include <string>

namespace core::smtp {

/// The relay could not be reached, did not speak SMTP, or refused the mail. A passed deadline
/// is core::TimeoutError instead, a cancelled send core::Cancelled.
struct Error : std::runtime_error {
  enum class Kind {
    connect,   ///< no connection (refused, unreachable, unknown host)
    tls,       ///< the TLS handshake failed (certificate, host name, protocol)
    auth,      ///< AUTH refused or not offered
    closed,    ///< the relay closed the connection (or answered 421: closing)
    protocol,  ///< the relay's answer was not SMTP, or not what the session allows
    refused,   ///< the relay refused the sender, a recipient or the message (reply_code)
    too_large, ///< the message is over the relay's SIZE or SmtpOptions::max_message_size
  };

  Error(Kind kind, int reply_code, const std::string& message, std::string reply = {})
      : std::runtime_error(message), kind(kind), reply_code(reply_code), reply(std::move(reply)) {}

  Kind kind;
  int reply_code;     ///< the relay's reply code (0 when there was none)
  std::string reply;  ///< the relay's reply, code and text ("550 5.1.1 no such user"), or empty

  /// True for a 5xx reply (or a message too large): sending the same mail again will not help.
  bool permanent() const noexcept {
    return kind == Kind::too_large || (reply_code >= 500 && reply_code < 600);
  }
  /// True once the message was handed to the relay and the connection was then lost: the
  /// relay may or may not have taken it.
  bool outcome_unknown = false;
};

}  // namespace core::smtp
