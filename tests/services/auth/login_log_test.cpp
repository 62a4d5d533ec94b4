// The login log over a real RPC connection (core/rpc's server, in process, both codecs), and
// an unreachable logger, which must fail loudly rather than pass for logged.
#include "services/auth/login_log.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "core/rpc/server.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/timer.hpp"

namespace {

using namespace std::chrono_literals;
using core::Task;

std::vector<core::rpc::Payload>& received() {
  static std::vector<core::rpc::Payload> calls;
  return calls;
}

Task<std::string> log_info(core::rpc::Payload p) {
  std::string name = p.name;
  received().push_back(std::move(p));
  co_return "Processed payload via RPC:" + name;
}

Task<void> log_one(std::string codec) {
  auto registry = std::make_shared<core::rpc::Registry>();
  registry->add("RPCServer.LogInfo", log_info);
  core::rpc::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.reuse_port = false;
  core::rpc::Server server(so, registry);
  server.start();
  {
    auto logger = auth::make_rpc_login_logger("127.0.0.1", server.port(), codec, 2s);
    co_await logger->log_login("admin@example.com", "req-1", "");
  }
  co_await server.drain();
  co_await core::sleep(30ms);  // connection coroutines see their ends
}

class LoginLogRpc : public ::testing::TestWithParam<std::string> {};

TEST_P(LoginLogRpc, SendsTheGoSystemsPayload) {
  received().clear();
  core::run_sync(log_one(GetParam()));
  ASSERT_EQ(received().size(), 1u);
  EXPECT_EQ(received()[0].name, "authentication");
  EXPECT_EQ(received()[0].data, "admin@example.com logged in");
  if (GetParam() == "json") EXPECT_EQ(received()[0].request_id, "req-1");  // gob has no room for it
}

INSTANTIATE_TEST_SUITE_P(Codecs, LoginLogRpc, ::testing::Values("gob", "json"));

Task<void> log_to_nowhere() {
  auto logger = auth::make_rpc_login_logger("127.0.0.1", 1, "gob", 500ms);  // nothing listens on 1
  co_await logger->log_login("admin@example.com", "req-2", "");
}

TEST(LoginLog, UnreachableLoggerFailsInsteadOfPretending) {
  EXPECT_ANY_THROW(core::run_sync(log_to_nowhere()));
}

Task<void> detached_to_nowhere(bool* returned) {
  auto logger = auth::make_rpc_login_logger("127.0.0.1", 1, "gob", 200ms);
  auto t0 = std::chrono::steady_clock::now();
  auth::log_login_detached(logger, "admin@example.com", "req-3", 200ms, nullptr);
  // It cannot wait on this loop (it is not awaited); this checks it does not block the thread
  // either, with a bound only a blocking call could break.
  *returned = std::chrono::steady_clock::now() - t0 < 2s;
  co_await core::sleep(400ms);                                // it fails (a warning) meanwhile
}

TEST(LoginLog, DetachedLogNeverHoldsTheLogin) {
  bool returned = false;
  core::run_sync(detached_to_nowhere(&returned));
  EXPECT_TRUE(returned);
}

}  // namespace
