#pragma once
/// @file
/// Where and how the SMTP client delivers: MAIL_HOST, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD,
/// MAIL_ENCRYPTION.
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
  /// The name sent in EHLO (MAIL_DOMAIN); empty: libcurl's default.
  std::string helo_domain;
  /// Whole-send deadline: waiting for a connection, connect, TLS, AUTH and the transaction.
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  /// Connections to the relay at most, for the whole process: every Client with equal options
  /// shares one connection cache on the SMTP thread. Kept open between sends and reused; more
  /// concurrent sends wait inside libcurl for one to come free (within their deadline).
  std::size_t max_connections = 8;
  /// Sends queued for or running on the SMTP thread at most (all Clients with equal options
  /// together); one more fails at once with core::PoolFull (503 with Retry-After).
  std::size_t queue_capacity = 1024;
};

}  // namespace core::smtp
