#include "services/auth/settings.hpp"

#include <chrono>
#include <charconv>
#include <thread>

namespace auth {

using namespace std::chrono_literals;

namespace {

constexpr const char* kDefaultDsn =
    "host=127.0.0.1 port=5432 user=postgres dbname=users sslmode=disable connect_timeout=5";

int cores() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

Settings read_settings(core::service::App& app) {
  auto& env = app.env();
  Settings s;
  s.dsn = env.str("DSN", kDefaultDsn);
  s.db_pool_size = static_cast<std::size_t>(env.integer("DB_POOL_SIZE", 2, 1, 64));
  s.db_wait = env.duration("DB_STARTUP_TIMEOUT", 60s, 0s, 1h);
  s.logger_codec = env.one_of("LOGGER_RPC_CODEC", "gob", {"gob", "json"});
  s.log_timeout = env.duration("LOGGER_RPC_TIMEOUT", 2s, 1ms, 60s);
  s.hash_threads = static_cast<std::size_t>(env.integer("HASH_THREADS", cores(), 1, 256));
  // A queued hash waits about queue / (threads x ~12 per second); 4 per thread keeps that well
  // under the callers' deadline, so an overloaded auth answers 503 at once instead of 504 late.
  s.hash_queue = static_cast<std::size_t>(
      env.integer("HASH_QUEUE", static_cast<std::int64_t>(s.hash_threads) * 4, 1, 100000));
  s.request_timeout = app.limits().downstream_timeout;

  std::string addr = env.str("LOGGER_RPC_ADDR", "127.0.0.1:5001");
  auto colon = addr.rfind(':');
  int port = 0;
  bool ok = colon != std::string::npos && colon > 0;
  if (ok) {
    const char* first = addr.data() + colon + 1;
    const char* last = addr.data() + addr.size();
    auto [end, ec] = std::from_chars(first, last, port);
    ok = ec == std::errc() && end == last && port >= 1 && port <= 65535;
  }
  if (!ok) {
    env.fail("LOGGER_RPC_ADDR must be host:port, got \"" + addr + "\"");
  } else {
    s.logger_host = addr.substr(0, colon);
    s.logger_port = port;
  }
  return s;
}

}  // namespace auth
