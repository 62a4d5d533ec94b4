#pragma once
// What the *_mongotest.cpp files share: MONGO_URL from the environment (skip when unset),
// a collection name of the test's own (dropped at the end), and a way to wait for many
// spawned coroutines.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/mongo/client.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/timer.hpp"

namespace mongo_test {

inline const char* mongo_url() {
  const char* url = std::getenv("MONGO_URL");
  return (url != nullptr && *url != '\0') ? url : nullptr;
}

/// url with URI option key set to value (replacing any value it had, any case).
inline std::string with_option(std::string url, const std::string& key, const std::string& value) {
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  auto q = url.find('?');
  if (q == std::string::npos) {
    url += (url.find('/', url.find("//") + 2) == std::string::npos ? "/?" : "?");
  } else {
    std::string head = url.substr(0, q + 1);
    std::string rest = url.substr(q + 1);
    std::string kept;
    std::size_t start = 0;
    while (start <= rest.size()) {
      auto end = rest.find('&', start);
      if (end == std::string::npos) end = rest.size();
      std::string item = rest.substr(start, end - start);
      if (!item.empty() && lower(item.substr(0, item.find('='))) != lower(key)) {
        kept += (kept.empty() ? "" : "&") + item;
      }
      start = end + 1;
    }
    url = head + kept + (kept.empty() ? "" : "&");
  }
  return url + key + "=" + value;
}

/// Counts finished coroutines; wait() polls until all are done (or the limit passes).
struct Latch {
  int expected = 0;
  int done = 0;
  core::Task<void> wait(core::Duration limit = std::chrono::seconds(60)) {
    auto waited = core::Duration(0);
    while (done < expected && waited < limit) {
      co_await core::sleep(core::Duration(1));
      waited += core::Duration(1);
    }
  }
};

class MongoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (mongo_url() == nullptr) {
      GTEST_SKIP() << "MONGO_URL is not set: run scripts/servers start --profile test and "
                      "source .run/test/env";
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    collection = fmt::format("t_{}_{}_{}", info->test_suite_name(), info->name(), ::getpid());
    client = std::make_unique<core::mongo::Client>(options());
  }

  void TearDown() override {
    if (client) core::run_sync(client->drop(collection));
    client.reset();
  }

  virtual core::mongo::Options options() const {
    core::mongo::Options o;
    o.url = mongo_url();
    o.database = "mongotest";
    return o;
  }

  std::string collection;
  std::unique_ptr<core::mongo::Client> client;
};

}  // namespace mongo_test
