// loadgen against real servers of the runtime (HTTP and RPC) running on a thread of their own
// in this process: what it counts must add up with what the servers saw.
#include "bench/loadgen/load_run.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "core/http/json_io.hpp"
#include "core/http/server.hpp"
#include "core/net/tcp_listener.hpp"
#include "core/rpc/server.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/wait.hpp"

namespace loadgen {
namespace {

using namespace std::chrono_literals;
using core::Task;

const bool kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

// What the servers saw.
std::atomic<int> hits{0};
std::mutex bodies_mu;
std::set<std::string> bodies;

Task<core::http::Response> hit(core::http::Context& ctx) {
  ++hits;
  {
    std::lock_guard lock(bodies_mu);
    bodies.insert(ctx.request.body);
  }
  co_return core::http::write_json(200, "Hit the broker");
}

Task<core::http::Response> slow(core::http::Context&) {
  co_await core::sleep(2s);
  co_return core::http::write_json(200, "late");
}

Task<std::string> log_info(core::rpc::Payload p) {
  ++hits;
  if (p.name == "fail") throw core::rpc::Error("refused");
  co_return "Processed payload via RPC:" + p.name;
}

// A server of the runtime on its own loop and thread, on 127.0.0.1 and a free port.
class ServerThread {
 public:
  enum class Kind { http, rpc };
  explicit ServerThread(Kind kind) {
    thread_ = std::thread([this, kind] {
      core::Loop loop;
      loop_ = &loop;
      if (kind == Kind::http) {
        core::http::Router router;
        router.add("POST", "/", hit);
        router.add("GET", "/slow", slow);
        core::http::ServerOptions o;
        o.host = "127.0.0.1";
        o.port = 0;
        o.reuse_port = false;
        http_ = std::make_unique<core::http::Server>(o, std::make_shared<core::http::Router>(std::move(router)));
        http_->start();
        port_ = http_->port();
      } else {
        auto registry = std::make_shared<core::rpc::Registry>();
        registry->add("RPCServer.LogInfo", log_info);
        core::rpc::ServerOptions o;
        o.host = "127.0.0.1";
        o.port = 0;
        o.reuse_port = false;
        rpc_ = std::make_unique<core::rpc::Server>(o, registry);
        rpc_->start();
        port_ = rpc_->port();
      }
      started_.open();
      loop.run();
      http_.reset();
      rpc_.reset();
    });
    EXPECT_TRUE(started_.wait_for());
  }
  ~ServerThread() {
    loop_->post([this] { core::spawn(stop(this)); });
    thread_.join();
  }
  int port() const { return port_; }

 private:
  static Task<void> stop(ServerThread* self) {
    try {
      if (self->http_) co_await core::with_timeout(self->http_->drain(), 5s);
      if (self->rpc_) co_await core::with_timeout(self->rpc_->drain(), 5s);
    } catch (const std::exception&) {
    }
    self->loop_->stop();
  }

  std::thread thread_;
  core::Loop* loop_ = nullptr;
  test_support::Gate started_;
  int port_ = 0;
  std::unique_ptr<core::http::Server> http_;
  std::unique_ptr<core::rpc::Server> rpc_;
};

RunResult run(std::vector<std::string_view> args) { return run_load(parse_options(args), {}); }

class LoadRun : public ::testing::Test {
 protected:
  void SetUp() override {
    hits = 0;
    std::lock_guard lock(bodies_mu);
    bodies.clear();
  }
};

TEST_F(LoadRun, EveryRequestOfACountedRunIsAnsweredOnceWithItsOwnBody) {
  ServerThread server(ServerThread::Kind::http);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  const RunResult r = run({"-c", "8", "-t", "2", "-n", "3000", "-b", "n={{counter}}", url});
  EXPECT_EQ(r.answered, 3000u);
  EXPECT_EQ(r.status[200], 3000u);
  EXPECT_EQ(r.errors.total(), 0u);
  EXPECT_EQ(r.latency.count(), 3000u);
  EXPECT_EQ(hits.load(), 3000);
  std::lock_guard lock(bodies_mu);
  EXPECT_EQ(bodies.size(), 3000u);  // the counter is unique over both threads
  EXPECT_EQ(bodies.count("n=0"), 1u);
  EXPECT_EQ(bodies.count("n=1"), 1u);
}

TEST_F(LoadRun, PipelinedRequestsAreAllAnswered) {
  ServerThread server(ServerThread::Kind::http);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  const RunResult r = run({"-c", "4", "-p", "16", "-n", "4000", "-m", "POST", url});
  EXPECT_EQ(r.answered, 4000u);
  EXPECT_EQ(r.status[200], 4000u);
  EXPECT_EQ(r.errors.total(), 0u);
  EXPECT_EQ(hits.load(), 4000);
}

TEST_F(LoadRun, StatusesAreCountedByCode) {
  ServerThread server(ServerThread::Kind::http);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/missing";
  const RunResult r = run({"-c", "2", "-n", "100", url});
  EXPECT_EQ(r.status[404], 100u);
  EXPECT_EQ(r.answered, 100u);
  EXPECT_EQ(hits.load(), 0);
}

TEST_F(LoadRun, OpenLoopSendsItsRequestsAndMeasuresThem) {
  ServerThread server(ServerThread::Kind::http);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  const RunResult r = run({"-c", "4", "-R", "2000", "-n", "400", "-m", "POST", url});
  EXPECT_EQ(r.answered, 400u);
  EXPECT_EQ(r.latency.count(), 400u);
  EXPECT_EQ(hits.load(), 400);
}

TEST_F(LoadRun, ADurationRunCountsNoMoreThanTheServerAnswered) {
  ServerThread server(ServerThread::Kind::http);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  const RunResult r = run({"-c", "4", "--warmup", "200ms", "-d", "500ms", "-m", "POST", url});
  EXPECT_GT(r.answered, 0u);
  EXPECT_LE(r.answered, static_cast<std::uint64_t>(hits.load()));  // the warm-up is not counted
  EXPECT_EQ(r.status[200], r.answered);
  EXPECT_EQ(r.latency.count(), r.answered);
  EXPECT_DOUBLE_EQ(r.seconds, 0.5);
}

TEST_F(LoadRun, ARefusedConnectIsAConnectError) {
  int port = 0;
  {
    // A port that was free a moment ago and has no listener now.
    core::Loop loop;
    core::TcpListener probe;
    probe.listen("127.0.0.1", 0, false, [](core::TcpStream) {});
    port = probe.port();
  }
  const RunResult r = run({"-c", "2", "-d", "400ms", "http://127.0.0.1:" + std::to_string(port) + "/"});
  EXPECT_EQ(r.answered, 0u);
  EXPECT_GT(r.errors.connect, 0u);
}

TEST_F(LoadRun, AnUnansweredRequestIsATimeout) {
  ServerThread server(ServerThread::Kind::http);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/slow";
  const RunResult r = run({"-c", "1", "--timeout", "200ms", "-d", "1s", url});
  EXPECT_GT(r.errors.timeout, 0u);
  EXPECT_EQ(r.answered, 0u);
}

TEST_F(LoadRun, RpcCallsInFlightAddUpInBothCodecs) {
  ServerThread server(ServerThread::Kind::rpc);
  const std::string url = "rpc://127.0.0.1:" + std::to_string(server.port());
  for (std::string_view codec : {"gob", "json"}) {
    hits = 0;
    const RunResult r = run({"-c", "2", "-t", "2", "-p", "8", "-n", "2000", "--codec", codec, url});
    EXPECT_EQ(r.answered, 2000u) << codec;
    EXPECT_EQ(r.status[kRpcOk], 2000u) << codec;
    EXPECT_EQ(r.errors.total(), 0u) << codec;
    EXPECT_EQ(hits.load(), 2000) << codec;
  }
  hits = 0;
  const RunResult failing = run({"-c", "1", "-n", "50", "--rpc-name", "fail", url});
  EXPECT_EQ(failing.status[kRpcErrorReply], 50u);
  EXPECT_EQ(hits.load(), 50);
}

}  // namespace
}  // namespace loadgen
