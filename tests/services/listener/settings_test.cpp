// The listener's variables: defaults, values, and one line naming each bad one.
#include "services/listener/settings.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

// Sets (or, with nullopt, unsets) variables for one test and puts back what was there before:
// App reads the process environment, and scripts/test runs the tests with the profile's.
class ScopedEnv {
 public:
  using Vars = std::vector<std::pair<std::string, std::optional<std::string>>>;
  explicit ScopedEnv(Vars vars) {
    for (const auto& [k, v] : vars) {
      const char* old = std::getenv(k.c_str());
      saved_.emplace_back(k, old ? std::optional<std::string>(old) : std::nullopt);
      set(k, v);
    }
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : saved_) set(k, v);
  }

 private:
  static void set(const std::string& k, const std::optional<std::string>& v) {
    if (v) ::setenv(k.c_str(), v->c_str(), 1);
    else ::unsetenv(k.c_str());
  }
  Vars saved_;
};

// Every variable the listener reads, unset.
ScopedEnv::Vars none() {
  ScopedEnv::Vars vars;
  for (const char* k : {"PORT", "RABBIT_URL", "LOGGER_URL", "MAIL_URL", "LISTENER_PREFETCH",
                        "LISTENER_CONCURRENCY", "AMQP_DELIVERY_LIMIT", "DOWNSTREAM_TIMEOUT",
                        "INTERNAL_TOKEN", "DOWNSTREAM_TOKEN"}) {
    vars.emplace_back(k, std::nullopt);
  }
  return vars;
}

// Those unset, then `vars` set.
ScopedEnv::Vars only(ScopedEnv::Vars vars) {
  ScopedEnv::Vars all = none();
  all.insert(all.end(), vars.begin(), vars.end());
  return all;
}

TEST(ListenerSettings, Defaults) {
  ScopedEnv env(none());
  core::service::App app("listener", 8085);
  listener::Settings s = listener::read_settings(app);
  EXPECT_TRUE(app.env().ok());
  EXPECT_EQ(app.port(), 8085);
  EXPECT_EQ(s.rabbit_url, "amqp://guest:guest@127.0.0.1:5672/");
  EXPECT_EQ(s.logger_url, "http://127.0.0.1:8083");
  EXPECT_EQ(s.mail_url, "http://127.0.0.1:8084");
  EXPECT_EQ(s.prefetch, 64);
  EXPECT_EQ(s.concurrency, 0u);
  EXPECT_EQ(s.delivery_limit, 5);
  EXPECT_EQ(s.timeout, std::chrono::seconds(5));
  EXPECT_EQ(s.internal_token, "");
}

TEST(ListenerSettings, FromTheEnvironment) {
  ScopedEnv env(only({{"RABBIT_URL", "amqp://u:p@rabbit:5673/vh"},
                 {"LOGGER_URL", "http://logger:9000/"},
                 {"MAIL_URL", "http://mail:9001"},
                 {"LISTENER_PREFETCH", "10"},
                 {"LISTENER_CONCURRENCY", "4"},
                 {"AMQP_DELIVERY_LIMIT", "3"},
                 {"DOWNSTREAM_TIMEOUT", "750ms"},
                 {"INTERNAL_TOKEN", "secret"}}));
  core::service::App app("listener", 8085);
  listener::Settings s = listener::read_settings(app);
  EXPECT_TRUE(app.env().ok());
  EXPECT_EQ(s.rabbit_url, "amqp://u:p@rabbit:5673/vh");
  EXPECT_EQ(s.logger_url, "http://logger:9000");  // trailing slash dropped
  EXPECT_EQ(s.mail_url, "http://mail:9001");
  EXPECT_EQ(s.prefetch, 10);
  EXPECT_EQ(s.concurrency, 4u);
  EXPECT_EQ(s.delivery_limit, 3);
  EXPECT_EQ(s.timeout, std::chrono::milliseconds(750));
  EXPECT_EQ(s.internal_token, "secret");
}

TEST(ListenerSettings, DownstreamTokenIsSentWithoutBeingRequired) {
  ScopedEnv env(only({{"DOWNSTREAM_TOKEN", "for-others"}}));
  core::service::App app("listener", 8085);
  listener::Settings s = listener::read_settings(app);
  EXPECT_TRUE(app.env().ok());
  EXPECT_EQ(s.internal_token, "for-others");
  EXPECT_EQ(app.limits().internal_token, "");
}

TEST(ListenerSettings, EachBadVariableIsNamed) {
  ScopedEnv env(only({{"RABBIT_URL", "http://rabbit"},
                 {"LOGGER_URL", "https://logger"},
                 {"LISTENER_PREFETCH", "0"},
                 {"AMQP_DELIVERY_LIMIT", "x"}}));
  core::service::App app("listener", 8085);
  (void)listener::read_settings(app);
  std::string all;
  for (const auto& e : app.env().errors()) all += e + "\n";
  for (const char* name : {"RABBIT_URL", "LOGGER_URL", "LISTENER_PREFETCH", "AMQP_DELIVERY_LIMIT"}) {
    EXPECT_NE(all.find(name), std::string::npos) << name << " in:\n" << all;
  }
  EXPECT_EQ(all.find("config: config:"), std::string::npos);
}

}  // namespace
