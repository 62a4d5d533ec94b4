#pragma once
// The logger's configuration (environment).
#include <string>

#include "core/mongo/group_commit.hpp"
#include "core/service/app.hpp"

namespace logger {

struct Settings {
  std::string mongo_url;      // MONGO_URL
  std::string database;       // MONGO_DATABASE (default "logs")
  std::string collection;     // MONGO_COLLECTION (default "logs")
  std::string recent;         // <collection>_recent: the capped window GET /logs reads
  std::int64_t recent_docs;   // LOG_RECENT_MAX: entries kept in that window (>= 1000, the largest limit)
  int rpc_port = 5001;        // RPC_PORT
  int grpc_port = 50001;      // GRPC_PORT
  std::size_t mongo_threads;  // MONGO_THREADS: the driver's blocking-call pool
  core::mongo::GroupCommitOptions group;  // LOG_BATCH_MAX, LOG_BATCH_WAIT
  core::Duration timeout;     // DOWNSTREAM_TIMEOUT: deadline of a store call
};

Settings read_settings(core::service::App& app);

}  // namespace logger
