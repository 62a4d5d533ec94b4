#pragma once
// Internal to core/pg: the parsed DSN. libpq resolves host names with a blocking getaddrinfo
// inside PQconnectPoll, which would stall the loop; so the one host name of a DSN is resolved
// on libuv's DNS pool first and handed to libpq as hostaddr (host stays for TLS and .pgpass).
#include <string>
#include <utility>
#include <vector>

#include "core/pg/wrappers.hpp"

namespace core::pg {

class ConnInfo {
 public:
  /// Throws std::invalid_argument naming what libpq did not accept.
  explicit ConnInfo(const std::string& dsn);

  /// The host name to resolve before connecting: set when the DSN names exactly one host that
  /// is neither an IP address nor a socket directory, and gives no hostaddr.
  const std::string& host_to_resolve() const noexcept { return resolve_; }

  /// PQconnectStartParams with the DSN's options; with the resolved addresses of
  /// host_to_resolve() when given (libpq tries them in order, as it would its own lookup's).
  PGconn* start(const std::vector<std::string>& addresses) const;

 private:
  std::vector<std::pair<std::string, std::string>> options_;
  std::string resolve_;
};

}  // namespace core::pg
