#pragma once
/// @file
/// Where and how the SMTP client delivers: MAIL_HOST, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD,
/// MAIL_ENCRYPTION, MAIL_CA_FILE and the pool and deadline settings.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace core::smtp {

enum class Encryption {
  none,      ///< plain SMTP (a local relay, Mailpit)
  starttls,  ///< smtp:// upgraded with STARTTLS, which is required (never falls back to plain)
  tls,       ///< smtps://, TLS from the first byte (port 465)
};

/// "none" (or ""), "starttls", "tls"; "ssl" is taken as tls. nullopt for anything else.
std::optional<Encryption> parse_encryption(std::string_view text) noexcept;
std::string_view encryption_name(Encryption e) noexcept;

struct SmtpOptions {
  std::string host = "localhost";
  int port = 1025;
  std::string username;  ///< empty: no AUTH
  std::string password;
  Encryption encryption = Encryption::none;
  /// PEM file of the CA(s) to trust instead of the system store (a self-signed relay).
  std::optional<std::string> ca_file;
  /// The name sent in EHLO (MAIL_DOMAIN); empty: "localhost".
  std::string helo_domain;
  /// Whole-send deadline: waiting for a connection, connect, TLS, AUTH and the transaction.
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  /// Deadline of each single wait on the relay: connect, the TLS handshake, each reply, each
  /// write (the whole send is bounded by `timeout` as well).
  std::chrono::milliseconds command_timeout = std::chrono::seconds(5);
  /// An idle pooled connection older than this is closed (QUIT) instead of reused.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  /// Connections to the relay per Client (one Client per worker loop); kept open between
  /// sends and reused. More concurrent sends wait for one to come free (within `timeout`).
  std::size_t max_connections = 8;
  /// Sends waiting for a connection per Client at most; one more fails at once with
  /// core::PoolFull (503 with Retry-After).
  std::size_t queue_capacity = 1024;
  /// Largest message sent (bytes on the wire, after dot-stuffing); the relay's own SIZE limit
  /// applies too when it announces one. Larger: smtp::Error(too_large), nothing is sent.
  std::size_t max_message_size = 10 * 1024 * 1024;
};

}  // namespace core::smtp
