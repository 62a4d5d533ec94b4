#include "core/config/env.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace core::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigEnv, StrAndDefaults) {
  Env env = Env::from_map({{"NAME", "broker"}, {"EMPTY", ""}});
  EXPECT_EQ(env.str("NAME", "x"), "broker");
  EXPECT_EQ(env.str("MISSING", "dflt"), "dflt");
  EXPECT_EQ(env.str("EMPTY", "dflt"), "dflt");  // empty counts as unset
  EXPECT_TRUE(env.ok());
}

TEST(ConfigEnv, Required) {
  Env env = Env::from_map({{"DSN", "host=localhost"}, {"BLANK", ""}});
  EXPECT_EQ(env.required("DSN"), "host=localhost");
  EXPECT_TRUE(env.ok());
  EXPECT_EQ(env.required("MONGO_URL"), "");
  EXPECT_EQ(env.required("BLANK"), "");
  EXPECT_EQ(env.errors(), (std::vector<std::string>{"config: MONGO_URL is required",
                                                    "config: BLANK is required"}));
}

TEST(ConfigEnv, IntegerBounds) {
  Env env = Env::from_map({{"PORT", "8080"},
                           {"BAD", "abc"},
                           {"HIGH", "70000"},
                           {"TRAIL", "80x"},
                           {"SP", " 42 "},
                           {"NEG", "-3"},
                           {"HUGE", "99999999999999999999"}});
  EXPECT_EQ(env.integer("PORT", 1, 1, 65535), 8080);
  EXPECT_EQ(env.integer("UNSET", 5001, 1, 65535), 5001);
  EXPECT_EQ(env.integer("SP", 0, 0, 100), 42);
  EXPECT_EQ(env.integer("NEG", 0, -5, 5), -3);
  EXPECT_TRUE(env.ok());
  EXPECT_EQ(env.integer("BAD", 7, 1, 65535), 7);
  EXPECT_EQ(env.integer("HIGH", 7, 1, 65535), 7);
  EXPECT_EQ(env.integer("TRAIL", 7, 1, 65535), 7);
  EXPECT_EQ(env.integer("HUGE", 7, 1, 65535), 7);
  ASSERT_EQ(env.errors().size(), 4u);
  EXPECT_EQ(env.errors()[0], R"(config: BAD must be an integer between 1 and 65535, got "abc")");
  EXPECT_EQ(env.errors()[1], R"(config: HIGH must be an integer between 1 and 65535, got "70000")");
  EXPECT_EQ(env.errors()[2], R"(config: TRAIL must be an integer between 1 and 65535, got "80x")");
}

TEST(ConfigEnv, Durations) {
  Env env = Env::from_map(
      {{"A", "500ms"}, {"B", "10s"}, {"C", "2m"}, {"D", "1500"}, {"E", "1h"}, {"F", " 3s "}});
  EXPECT_EQ(env.duration("A", 1s), 500ms);
  EXPECT_EQ(env.duration("B", 1s), 10s);
  EXPECT_EQ(env.duration("C", 1s), 2min);
  EXPECT_EQ(env.duration("D", 1s), 1500ms);
  EXPECT_EQ(env.duration("E", 1s), 1h);
  EXPECT_EQ(env.duration("F", 1s), 3s);
  EXPECT_EQ(env.duration("UNSET", 7s), 7s);
  EXPECT_TRUE(env.ok());
}

TEST(ConfigEnv, BadDurations) {
  for (const char* bad : {"abc", "10x", "-5s", "1.5s", "s", "10 sec", "99999999999999999999h"}) {
    Env env = Env::from_map({{"IDLE_TIMEOUT", bad}});
    EXPECT_EQ(env.duration("IDLE_TIMEOUT", 60s), 60s) << bad;
    ASSERT_EQ(env.errors().size(), 1u) << bad;
    EXPECT_EQ(env.errors()[0],
              std::string("config: IDLE_TIMEOUT must be a duration between 0ms and 24h (like "
                          "500ms, 10s, 2m; a plain number is milliseconds), got \"") +
                  bad + "\"");
  }
  Env env = Env::from_map({{"T", "0"}, {"U", "2h"}});
  env.duration("T", 1s, 1ms, 1h);
  env.duration("U", 1s, 1ms, 1h);
  ASSERT_EQ(env.errors().size(), 2u);
  EXPECT_NE(env.errors()[0].find("T must be a duration between 1ms and 1h"), std::string::npos);
}

TEST(ConfigEnv, Booleans) {
  Env env = Env::from_map(
      {{"A", "1"}, {"B", "FALSE"}, {"C", "yes"}, {"D", "No"}, {"E", "on"}, {"BAD", "maybe"}});
  EXPECT_TRUE(env.boolean("A", false));
  EXPECT_FALSE(env.boolean("B", true));
  EXPECT_TRUE(env.boolean("C", false));
  EXPECT_FALSE(env.boolean("D", true));
  EXPECT_TRUE(env.boolean("E", false));
  EXPECT_TRUE(env.boolean("UNSET", true));
  EXPECT_TRUE(env.ok());
  EXPECT_FALSE(env.boolean("BAD", false));
  ASSERT_EQ(env.errors().size(), 1u);
  EXPECT_EQ(env.errors()[0],
            R"(config: BAD must be a boolean (1/0, true/false, yes/no, on/off), got "maybe")");
}

TEST(ConfigEnv, Lists) {
  Env env = Env::from_map({{"CORS_ORIGINS", " http://a.test , http://b.test,,  "}, {"ONE", "x"}});
  EXPECT_EQ(env.list("CORS_ORIGINS"), (std::vector<std::string>{"http://a.test", "http://b.test"}));
  EXPECT_EQ(env.list("ONE"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(env.list("UNSET", {"d"}), (std::vector<std::string>{"d"}));
  EXPECT_TRUE(env.list("UNSET").empty());
}

TEST(ConfigEnv, OneOf) {
  Env env = Env::from_map({{"MAIL_ENCRYPTION", "tls"}, {"BAD", "ssl"}});
  EXPECT_EQ(env.one_of("MAIL_ENCRYPTION", "none", {"none", "starttls", "tls"}), "tls");
  EXPECT_EQ(env.one_of("UNSET", "none", {"none", "starttls", "tls"}), "none");
  EXPECT_EQ(env.one_of("BAD", "none", {"none", "starttls", "tls"}), "none");
  ASSERT_EQ(env.errors().size(), 1u);
  EXPECT_EQ(env.errors()[0], R"(config: BAD must be one of none|starttls|tls, got "ssl")");
}

TEST(ConfigEnv, Urls) {
  Env env = Env::from_map({{"AUTH_URL", "http://localhost:8082"},
                           {"RABBIT_URL", "amqp://guest:guest@localhost:5672/%2f"},
                           {"MONGO_URL", "mongodb://127.0.0.1:27017/?retryWrites=false"},
                           {"NOSCHEME", "localhost:8082"},
                           {"BADPORT", "http://host:99999/"},
                           {"SECRET", "amqp://user:hunter2@ho st/"}});
  EXPECT_EQ(env.url("AUTH_URL", ""), "http://localhost:8082");
  EXPECT_EQ(env.url("RABBIT_URL", ""), "amqp://guest:guest@localhost:5672/%2f");
  EXPECT_EQ(env.url("MONGO_URL", ""), "mongodb://127.0.0.1:27017/?retryWrites=false");
  EXPECT_EQ(env.url("UNSET", "http://d:1"), "http://d:1");
  EXPECT_TRUE(env.ok());
  env.url("NOSCHEME", "");
  env.url("BADPORT", "");
  env.url("SECRET", "");
  ASSERT_EQ(env.errors().size(), 3u);
  EXPECT_EQ(
      env.errors()[0],
      R"(config: NOSCHEME must be a URL like scheme://host[:port][/path], got "localhost:8082")");
  EXPECT_EQ(
      env.errors()[2],
      R"(config: SECRET must be a URL like scheme://host[:port][/path], got "amqp://user:***@ho st/")");
}

TEST(ConfigEnv, EachBadVariableGivesOneLine) {
  Env env = Env::from_map({{"PORT", "abc"}, {"WORKERS", "-1"}, {"LOG_LEVEL", "loud"}});
  env.integer("PORT", 8080, 1, 65535);
  env.integer("WORKERS", 0, 0, 1024);
  env.one_of("LOG_LEVEL", "info", {"debug", "info", "warn", "error"});
  env.required("DSN");
  ASSERT_EQ(env.errors().size(), 4u);
  const char* names[] = {"PORT", "WORKERS", "LOG_LEVEL", "DSN"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(env.errors()[i].starts_with(std::string("config: ") + names[i] + " "));
    EXPECT_EQ(env.errors()[i].find('\n'), std::string::npos);
  }
}

TEST(ConfigEnv, ValueEchoStaysOnOneLine) {
  Env env = Env::from_map({{"PORT", "1\n2\"\\"}});
  env.integer("PORT", 8080, 1, 65535);
  ASSERT_EQ(env.errors().size(), 1u);
  EXPECT_EQ(env.errors()[0],
            R"(config: PORT must be an integer between 1 and 65535, got "1\x0a2\"\\")");
}

TEST(ConfigEnv, ReadsProcessEnvironment) {
  ::setenv("KIT_CONFIG_TEST_VAR", "42", 1);
  Env env;
  EXPECT_EQ(env.integer("KIT_CONFIG_TEST_VAR", 0, 0, 100), 42);
  ::unsetenv("KIT_CONFIG_TEST_VAR");
}

TEST(ConfigEnvDeathTest, ExitIfInvalidPrintsAndExits2) {
  Env env = Env::from_map({{"PORT", "abc"}});
  env.integer("PORT", 8080, 1, 65535);
  env.required("DSN");
  EXPECT_EXIT(exit_if_invalid(env), ::testing::ExitedWithCode(2),
              "config: PORT must be an integer between 1 and 65535, got \"abc\"\n"
              "config: DSN is required\n");
  Env good = Env::from_map({});
  exit_if_invalid(good);  // returns
}

TEST(ConfigEnv, FormatDuration) {
  EXPECT_EQ(format_duration(0ms), "0ms");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(10s), "10s");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(24h), "24h");
}

}  // namespace
}  // namespace core::config
