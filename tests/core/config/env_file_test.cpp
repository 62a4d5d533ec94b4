// NAME_FILE: a variable's value from a file (container secrets), read at start-up.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/config/env.hpp"
#include "core/config/server_limits.hpp"

namespace core::config {
namespace {

struct SecretFile {
  explicit SecretFile(std::string_view content) {
    path = (std::filesystem::temp_directory_path() /
            ("env_file_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
               .string();
    std::ofstream(path, std::ios::binary) << content;
  }
  ~SecretFile() { std::remove(path.c_str()); }
  std::string path;
  static inline int counter = 0;
};

TEST(ConfigEnvFile, ValueComesFromTheFileWithoutItsLineBreak) {
  SecretFile dsn("host=db user=u password=s3cret\n");
  SecretFile token("tok\r\n");
  SecretFile url("amqp://u:p@rabbit:5672/");
  Env env = Env::from_map(
      {{"DSN_FILE", dsn.path}, {"INTERNAL_TOKEN_FILE", token.path}, {"RABBIT_URL_FILE", url.path}});
  EXPECT_EQ(env.str("DSN", "x"), "host=db user=u password=s3cret");
  EXPECT_EQ(env.url("RABBIT_URL", ""), "amqp://u:p@rabbit:5672/");
  EXPECT_EQ(read_server_limits(env).internal_token, "tok");
  EXPECT_TRUE(env.ok()) << env.errors().front();
}

TEST(ConfigEnvFile, MailPasswordKeepsInnerWhitespace) {
  SecretFile pw(" two words \n");
  Env env = Env::from_map({{"MAIL_PASSWORD_FILE", pw.path}});
  EXPECT_EQ(env.str("MAIL_PASSWORD", ""), " two words ");
}

TEST(ConfigEnvFile, BothSetOrAnUnreadableFileIsAnErrorNamingThem) {
  SecretFile pw("a");
  Env env = Env::from_map({{"MAIL_PASSWORD", "b"},
                           {"MAIL_PASSWORD_FILE", pw.path},
                           {"DSN_FILE", "/nonexistent/dsn"}});
  EXPECT_EQ(env.str("MAIL_PASSWORD", ""), "b");
  EXPECT_EQ(env.str("DSN", "dflt"), "dflt");
  EXPECT_EQ(env.str("DSN", "dflt"), "dflt");  // read twice, reported once
  ASSERT_EQ(env.errors().size(), 2u);
  EXPECT_EQ(env.errors()[0], "config: set MAIL_PASSWORD or MAIL_PASSWORD_FILE, not both");
  EXPECT_NE(env.errors()[1].find("DSN_FILE"), std::string::npos);
  EXPECT_NE(env.errors()[1].find("/nonexistent/dsn"), std::string::npos);
}

TEST(ConfigEnvFile, AnEmptyFileIsUnset) {
  SecretFile empty("\n");
  Env env = Env::from_map({{"INTERNAL_TOKEN_FILE", empty.path}});
  EXPECT_EQ(env.str("INTERNAL_TOKEN", "none"), "none");
  EXPECT_TRUE(env.ok());
}

TEST(ConfigEnvFile, NewServerLimits) {
  Env env = Env::from_map({{"RATE_LIMIT_RPS", "50"},
                           {"RATE_LIMIT_BURST", "70"},
                           {"TRUSTED_PROXIES", "10.0.0.0/8, ::1"},
                           {"MAX_IN_FLIGHT", "64"}});
  ServerLimits l = read_server_limits(env);
  EXPECT_EQ(l.rate_limit_rps, 50);
  EXPECT_EQ(l.rate_limit_burst, 70);
  EXPECT_EQ(l.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
  EXPECT_EQ(l.max_in_flight, 64u);
  EXPECT_TRUE(env.ok());
  Env defaults = Env::from_map({});
  EXPECT_EQ(read_server_limits(defaults).max_in_flight, 1024u);
}

}  // namespace
}  // namespace core::config
