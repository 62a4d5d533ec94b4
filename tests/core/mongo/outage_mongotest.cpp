// The server going away and coming back. The test runs a FerretDB of its own (same binary
// as the test profile, its own port and data folder), so stopping it disturbs nobody else.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/mongo/client.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/timer.hpp"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using core::Task;
using core::mongo::Client;
using wire::json::Value;

std::string ferretdb_binary() {
  if (const char* bin = std::getenv("FERRETDB_BIN"); bin != nullptr && *bin != '\0') return bin;
  const char* tools = std::getenv("MS_TOOLS_DIR");
  std::string path =
      std::string(tools ? tools : "/var/cache/microservices/tools") + "/bin/ferretdb";
  return ::access(path.c_str(), X_OK) == 0 ? path : std::string();
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// One FerretDB process on a private port and folder.
class PrivateFerret {
 public:
  explicit PrivateFerret(std::string binary) : binary_(std::move(binary)), port_(free_port()) {
    char tmpl[] = "/tmp/mongotest-ferretdb-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::filesystem::create_directories(dir_ + "/data");
  }
  ~PrivateFerret() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  bool start() {
    std::vector<std::string> args{binary_,
                                  "--handler=sqlite",
                                  "--sqlite-url=file:" + dir_ + "/data/",
                                  "--listen-addr=127.0.0.1:" + std::to_string(port_),
                                  "--state-dir=" + dir_,
                                  "--debug-addr=-",
                                  "--telemetry=disable",
                                  "--log-level=warn"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = dir_ + "/ferretdb.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, binary_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return false;
    for (int i = 0; i < 300; ++i) {
      if (port_open(port_)) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

  std::string url() const {
    return "mongodb://127.0.0.1:" + std::to_string(port_) + "/?serverSelectionTimeoutMS=1000";
  }

 private:
  std::string binary_;
  int port_;
  std::string dir_;
  pid_t pid_ = 0;
};

Value entry(std::string id) {
  Value doc = Value::object();
  doc.set("_id", Value::string(id));
  doc.set("name", Value::string("outage"));
  doc.set("created_at", core::mongo::date(core::mongo::now_ms()));
  return doc;
}

Task<void> outage(PrivateFerret* server, std::string coll) {
  core::mongo::Options o;
  o.url = server->url();
  o.database = "mongotest";
  Client client(o);

  co_await client.insert(coll, entry("before"));
  server->stop();

  // Each call fails with a driver error naming the cause, well inside the caller's deadline
  // (serverSelectionTimeoutMS=1000 in the URL; the caller allows 4 s).
  for (int i = 0; i < 2; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    std::string what;
    try {
      co_await core::with_timeout(client.insert(coll, entry("during")), core::Duration(4000));
      ADD_FAILURE() << "insert succeeded with the server stopped";
    } catch (const core::mongo::Error& e) {
      what = e.what();
      EXPECT_EQ(e.kind(), core::mongo::Error::Kind::unavailable) << what;
    } catch (const core::TimeoutError&) {
      ADD_FAILURE() << "the caller's deadline passed before the driver gave up";
    }
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    std::printf("[ info ] server stopped: failed after %lld ms: %s\n", static_cast<long long>(ms),
                what.c_str());
  }
  EXPECT_FALSE(co_await client.ping());

  EXPECT_TRUE(server->start());
  bool back = false;
  for (int i = 0; i < 40 && !back; ++i) {
    try {
      co_await client.insert(coll, entry("after"));
      back = true;
    } catch (const core::mongo::Error&) {
    }
    if (!back) co_await core::sleep(core::Duration(250));
  }
  EXPECT_TRUE(back) << "calls did not succeed again after the server came back";
  EXPECT_TRUE(co_await client.ping());
  auto docs = co_await client.find(coll, core::mongo::FindQuery{});
  EXPECT_EQ(docs.size(), 2u);  // "before" survived the restart, "during" was never stored
}

TEST(MongoOutage, ServerStoppedFailsClearlyAndRecovers) {
  std::string binary = ferretdb_binary();
  if (binary.empty()) {
    GTEST_SKIP() << "no FerretDB binary: set FERRETDB_BIN or run scripts/setup";
  }
  PrivateFerret server(binary);
  ASSERT_TRUE(server.start()) << "FerretDB did not start";
  core::run_sync(outage(&server, "t_outage"));
}

Task<void> short_deadline(Client* client) {
  auto t0 = std::chrono::steady_clock::now();
  bool timed_out = false;
  try {
    co_await core::with_timeout(client->insert("t_abandoned", entry("late")), core::Duration(100));
  } catch (const core::TimeoutError&) {
    timed_out = true;
  }
  EXPECT_TRUE(timed_out);
  std::printf("[ info ] caller deadline 100 ms: TimeoutError after %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - t0)
                                         .count()));
}

// The caller's deadline ends the wait long before the driver gives up; the blocking call runs
// on after the caller's loop is gone and must not touch it (the sanitizer build checks).
TEST(MongoOutage, CallerDeadlineAbandonsTheBlockingCall) {
  core::mongo::Options o;
  o.url = "mongodb://127.0.0.1:" + std::to_string(free_port()) + "/?serverSelectionTimeoutMS=1500";
  o.threads = 1;
  Client client(o);
  core::run_sync(short_deadline(&client));
  std::this_thread::sleep_for(2s);  // the abandoned call ends meanwhile, its loop long gone
}

}  // namespace
