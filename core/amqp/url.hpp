#pragma once
/// @file
/// RABBIT_URL: amqp://user:pass@host[:port][/vhost]. User, password and vhost are
/// percent-decoded; the vhost defaults to "/" (also for a bare trailing "/", which is what
/// people mean by amqp://host/), "%2F" spells "/" explicitly. A query is ignored; amqps is not
/// supported.
#include <optional>
#include <string>
#include <string_view>

namespace core::amqp {

struct AmqpUrl {
  std::string host = "localhost";
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";

  /// "amqp://user@host:port/vhost" (no password), for logs.
  std::string redacted() const;
};

/// nullopt when `text` is not an amqp:// URL of the shape above.
std::optional<AmqpUrl> parse_amqp_url(std::string_view text);

}  // namespace core::amqp
