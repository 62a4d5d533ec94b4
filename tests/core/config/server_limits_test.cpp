#include "core/config/server_limits.hpp"

#include <gtest/gtest.h>

namespace core::config {
namespace {

using namespace std::chrono_literals;

TEST(ServerLimits, Defaults) {
  Env env = Env::from_map({});
  const ServerLimits l = read_server_limits(env);
  EXPECT_TRUE(env.ok());
  EXPECT_EQ(l.header_read_timeout, 10s);
  EXPECT_EQ(l.body_read_timeout, 30s);
  EXPECT_EQ(l.idle_timeout, 60s);
  EXPECT_EQ(l.max_header_bytes, 16384u);
  EXPECT_EQ(l.max_headers, 100u);
  EXPECT_EQ(l.max_body_bytes, 1048576u);
  EXPECT_EQ(l.max_connections, 10000u);
  EXPECT_EQ(l.downstream_timeout, 5s);
  EXPECT_EQ(l.drain_grace, 20s);
  EXPECT_EQ(l.workers, 0);
  EXPECT_GE(l.worker_count(), 1);
  EXPECT_EQ(l.log_level, log::Level::info);
  EXPECT_TRUE(l.cors_origins.empty());
  EXPECT_EQ(l.rate_limit_rps, 0);
  EXPECT_EQ(l.internal_token, "");
}

TEST(ServerLimits, FromEnvironment) {
  Env env = Env::from_map({{"HEADER_READ_TIMEOUT", "2s"},
                           {"BODY_READ_TIMEOUT", "5000"},
                           {"IDLE_TIMEOUT", "1m"},
                           {"MAX_HEADER_BYTES", "8192"},
                           {"MAX_HEADERS", "50"},
                           {"MAX_BODY_BYTES", "2048"},
                           {"MAX_CONNECTIONS", "100"},
                           {"DOWNSTREAM_TIMEOUT", "250ms"},
                           {"DRAIN_GRACE", "0"},
                           {"WORKERS", "3"},
                           {"LOG_LEVEL", "debug"},
                           {"CORS_ORIGINS", "http://localhost:8081, http://x.test"},
                           {"RATE_LIMIT_RPS", "100"},
                           {"INTERNAL_TOKEN", "s3cret"}});
  const ServerLimits l = read_server_limits(env);
  EXPECT_TRUE(env.ok()) << env.errors().front();
  EXPECT_EQ(l.header_read_timeout, 2s);
  EXPECT_EQ(l.body_read_timeout, 5s);
  EXPECT_EQ(l.idle_timeout, 60s);
  EXPECT_EQ(l.max_header_bytes, 8192u);
  EXPECT_EQ(l.max_headers, 50u);
  EXPECT_EQ(l.max_body_bytes, 2048u);
  EXPECT_EQ(l.max_connections, 100u);
  EXPECT_EQ(l.downstream_timeout, 250ms);
  EXPECT_EQ(l.drain_grace, 0s);
  EXPECT_EQ(l.workers, 3);
  EXPECT_EQ(l.worker_count(), 3);
  EXPECT_EQ(l.log_level, log::Level::debug);
  EXPECT_EQ(l.cors_origins, (std::vector<std::string>{"http://localhost:8081", "http://x.test"}));
  EXPECT_EQ(l.rate_limit_rps, 100);
  EXPECT_EQ(l.internal_token, "s3cret");
  EXPECT_EQ(l.downstream_token, "s3cret");  // sends what it requires, unless told otherwise
}

// The public broker sends a token to the internal services without requiring one itself.
TEST(ServerLimits, DownstreamTokenIsApartFromTheRequiredOne) {
  Env env = Env::from_map({{"DOWNSTREAM_TOKEN", "for-others"}});
  const ServerLimits l = read_server_limits(env);
  EXPECT_TRUE(env.ok());
  EXPECT_EQ(l.internal_token, "");
  EXPECT_EQ(l.downstream_token, "for-others");
}

TEST(ServerLimits, BadValuesNameTheirVariable) {
  Env env = Env::from_map({{"HEADER_READ_TIMEOUT", "0"},
                           {"MAX_HEADERS", "lots"},
                           {"WORKERS", "-2"},
                           {"LOG_LEVEL", "verbose"}});
  const ServerLimits l = read_server_limits(env);
  ASSERT_EQ(env.errors().size(), 4u);
  EXPECT_TRUE(env.errors()[0].starts_with("config: HEADER_READ_TIMEOUT must be a duration"));
  EXPECT_EQ(env.errors()[1],
            R"(config: MAX_HEADERS must be an integer between 1 and 10000, got "lots")");
  EXPECT_EQ(env.errors()[2], R"(config: WORKERS must be an integer between 0 and 1024, got "-2")");
  EXPECT_EQ(env.errors()[3],
            R"(config: LOG_LEVEL must be one of debug|info|warn|error, got "verbose")");
  EXPECT_EQ(l.header_read_timeout, 10s);  // defaults kept
  EXPECT_EQ(l.max_headers, 100u);
}

}  // namespace
}  // namespace core::config
