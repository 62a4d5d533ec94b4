#pragma once
// The auth service's configuration, from the environment.
#include <cstddef>
#include <string>

#include "core/runtime/timer.hpp"
#include "core/service/app.hpp"

namespace auth {

struct Settings {
  std::string dsn;              // DSN, libpq conninfo
  std::size_t db_pool_size = 2;    // DB_POOL_SIZE, connections per worker
  core::Duration db_wait;       // DB_STARTUP_TIMEOUT: how long start-up waits for the database
  std::string logger_host;      // LOGGER_RPC_ADDR host:port
  int logger_port = 0;
  std::string logger_codec;     // LOGGER_RPC_CODEC gob|json
  core::Duration log_timeout;   // LOGGER_RPC_TIMEOUT, deadline of one login log
  std::size_t hash_threads;     // HASH_THREADS, default one per core
  std::size_t hash_queue;       // HASH_QUEUE, hashes waiting for a thread; beyond it 503
  core::Duration request_timeout;  // DOWNSTREAM_TIMEOUT: deadline of one /authenticate
};

/// Reads the variables; mistakes are recorded in app.env() (start-up stops naming them).
Settings read_settings(core::service::App& app);

}  // namespace auth
