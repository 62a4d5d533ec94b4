#include "services/logger/settings.hpp"

namespace logger {

Settings read_settings(core::service::App& app) {
  auto& env = app.env();
  Settings s;
  s.mongo_url = env.str("MONGO_URL", "mongodb://127.0.0.1:27017/");
  s.database = env.str("MONGO_DATABASE", "logs");
  s.collection = env.str("MONGO_COLLECTION", "logs");
  s.recent = s.collection + "_recent";
  s.recent_docs = env.integer("LOG_RECENT_MAX", 10000, 1000, 10'000'000);
  s.rpc_port = env.integer("RPC_PORT", 5001, 1, 65535);
  s.grpc_port = env.integer("GRPC_PORT", 50001, 1, 65535);
  s.mongo_threads = static_cast<std::size_t>(env.integer("MONGO_THREADS", 8, 1, 256));
  s.group.max_batch = static_cast<std::size_t>(env.integer("LOG_BATCH_MAX", 256, 1, 10000));
  s.group.max_wait = env.duration("LOG_BATCH_WAIT", std::chrono::milliseconds(2), std::chrono::milliseconds(0),
                                  std::chrono::seconds(1));
  s.timeout = app.limits().downstream_timeout;
  if (s.mongo_url.rfind("mongodb://", 0) != 0 && s.mongo_url.rfind("mongodb+srv://", 0) != 0) {
    env.fail("MONGO_URL must start with mongodb://, got \"" + s.mongo_url + "\"");
  }
  return s;
}

}  // namespace logger
