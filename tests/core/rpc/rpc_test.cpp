#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/net/tcp_connect.hpp"
#include "core/rpc/client.hpp"
#include "core/rpc/server.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/wait.hpp"
#include "tests/wire/rpc/go_vectors.hpp"
#include "wire/rpc/gob_codec.hpp"
#include "wire/rpc/gob_primitives.hpp"
#include "tests/support/coro_test.hpp"

namespace {

using core::Duration;
using core::Task;
using core::rpc::Client;
using core::rpc::ClientOptions;
using core::rpc::Codec;
using core::rpc::Payload;
using core::rpc::Registry;
using core::rpc::Server;
using core::rpc::ServerOptions;

Task<std::string> log_info(Payload p) { co_return "Processed payload via RPC:" + p.name; }

Task<std::string> fail(Payload p) {
  if (p.name == "std") throw std::runtime_error("plain failure");
  throw core::rpc::Error("boom: " + p.data);
  co_return "";
}

// Sleeps for the milliseconds in Data, then echoes Name. Counts the calls that reached it, so a
// test waits for "the call is in flight" instead of sleeping and hoping.
int slow_entered = 0;
Task<std::string> slow(Payload p) {
  ++slow_entered;
  co_await core::sleep(Duration(std::stoi(p.data)));
  co_return p.name;
}

Task<std::string> meta(Payload p) { co_return p.request_id + "|" + p.traceparent; }

std::shared_ptr<const Registry> registry() {
  auto r = std::make_shared<Registry>();
  r->add("RPCServer.LogInfo", log_info);
  r->add("RPCServer.Fail", fail);
  r->add("RPCServer.Slow", slow);
  r->add("RPCServer.Meta", meta);
  return r;
}

ServerOptions local(int port = 0) {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.reuse_port = false;
  return o;
}

ClientOptions to(int port, Codec codec, std::size_t connections = 1) {
  ClientOptions o;
  o.port = port;
  o.codec = codec;
  o.connections = connections;
  o.call_timeout = std::chrono::seconds(5);
  return o;
}

/// Lets detached coroutines (readers, writers) see their ends before the loop goes.
Task<void> settle() { co_await core::sleep(Duration(30)); }

class RpcTest : public ::testing::TestWithParam<Codec> {};

CORO_TEST_P(RpcTest, RoundTrip, Codec codec) {
  Server server(local(), registry());
  server.start();
  {
    Client client(to(server.port(), codec));
    EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"test", "hello", "", ""}),
              "Processed payload via RPC:test");
    EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"", "", "", ""}),
              "Processed payload via RPC:");
    EXPECT_EQ(client.open_connections(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

Task<void> one_call(Client* client, int i, int* ok) {
  std::string name = "n" + std::to_string(i);
  // Replies come back in completion order, not call order.
  std::string got = co_await client->call("RPCServer.Slow", {name, std::to_string(i % 7), "", ""});
  if (got == name) ++*ok;
}

CORO_TEST_P(RpcTest, TwoHundredConcurrentCallsOnOneConnection, Codec codec) {
  Server server(local(), registry());
  server.start();
  {
    Client client(to(server.port(), codec, 1));
    int ok = 0;
    for (int i = 0; i < 200; ++i) core::spawn(one_call(&client, i, &ok));
    EXPECT_TRUE(co_await test_support::eventually([&] { return ok == 200; }));
    EXPECT_EQ(ok, 200);
    EXPECT_EQ(server.connections(), 1u);  // all of them on one connection
  }
  co_await server.drain();
  co_await settle();
}

CORO_TEST_P(RpcTest, ErrorRepliesAndUnknownMethods, Codec codec) {
  Server server(local(), registry());
  server.start();
  {
    Client client(to(server.port(), codec));
    try {
      co_await client.call("RPCServer.Fail", {"x", "d", "", ""});
      ADD_FAILURE() << "no error";
    } catch (const core::rpc::Error& e) {
      EXPECT_STREQ(e.what(), "boom: d");
    }
    try {
      co_await client.call("RPCServer.Fail", {"std", "", "", ""});
      ADD_FAILURE() << "no error";
    } catch (const core::rpc::Error& e) {
      EXPECT_STREQ(e.what(), "plain failure");
    }
    try {
      co_await client.call("RPCServer.Nope", {"a", "b", "", ""});
      ADD_FAILURE() << "no error";
    } catch (const core::rpc::Error& e) {
      EXPECT_STREQ(e.what(), "rpc: can't find method RPCServer.Nope");
    }
    try {
      co_await client.call("Foo.Bar", {"a", "b", "", ""});
      ADD_FAILURE() << "no error";
    } catch (const core::rpc::Error& e) {
      EXPECT_STREQ(e.what(), "rpc: can't find service Foo.Bar");
    }
    // The connection survives error replies.
    EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"after", "", "", ""}),
              "Processed payload via RPC:after");
    EXPECT_EQ(server.connections(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

Task<void> expect_timeout(Client* client, Payload p, bool* timed_out) {
  try {
    co_await client->call("RPCServer.Slow", std::move(p));
  } catch (const core::TimeoutError&) {
    *timed_out = true;
  }
}

CORO_TEST_P(RpcTest, TimeoutDropsTheLateReply, Codec codec) {
  Server server(local(), registry());
  server.start();
  {
    ClientOptions o = to(server.port(), codec);
    // Deadlines wide enough that the fast call never misses its own on a loaded machine.
    o.call_timeout = Duration(1000);
    Client client(o);
    bool timed_out = false;
    slow_entered = 0;
    core::spawn(expect_timeout(&client, {"late", "2000", "", ""}, &timed_out));
    EXPECT_TRUE(co_await test_support::eventually([] { return slow_entered == 1; }));
    EXPECT_EQ(co_await client.call("RPCServer.Slow", {"fast", "1", "", ""}), "fast");
    EXPECT_TRUE(co_await test_support::eventually([&] { return timed_out; }));
    co_await core::sleep(Duration(1500));  // the late reply arrives, finds no caller, is dropped
    EXPECT_EQ(co_await client.call("RPCServer.Slow", {"again", "1", "", ""}), "again");
    EXPECT_EQ(server.connections(), 1u);  // one connection throughout
    EXPECT_EQ(client.open_connections(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

CORO_TEST_P(RpcTest, ServerRestartClientReconnects, Codec codec) {
  auto first = std::make_unique<Server>(local(), registry());
  first->start();
  int port = first->port();
  Client client(to(port, codec, 2));
  EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"a", "", "", ""}),
            "Processed payload via RPC:a");
  EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"b", "", "", ""}),
            "Processed payload via RPC:b");
  // A call in flight when the server goes away fails as unavailable.
  slow_entered = 0;
  Task<std::string> doomed = client.call("RPCServer.Slow", {"x", "2000", "", ""});
  std::string doomed_result;
  bool doomed_failed = false;
  core::spawn([](Task<std::string> t, std::string* r, bool* failed) -> Task<void> {
    try {
      *r = co_await std::move(t);
    } catch (const core::NetError&) {
      *failed = true;
    }
  }(std::move(doomed), &doomed_result, &doomed_failed));
  EXPECT_TRUE(co_await test_support::eventually([] { return slow_entered == 1; }));
  first.reset();  // cut: connections close under the client
  EXPECT_TRUE(co_await test_support::eventually([&] { return doomed_failed; }));
  EXPECT_THROW(co_await client.call("RPCServer.LogInfo", {"c", "", "", ""}),
               core::NetError);  // refused
  Server second(local(port), registry());
  second.start();
  EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"d", "", "", ""}),
            "Processed payload via RPC:d");
  EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"e", "", "", ""}),
            "Processed payload via RPC:e");
  co_await second.drain();
  co_await settle();
}

CORO_TEST_P(RpcTest, DrainAnswersCallsInFlight, Codec codec) {
  Server server(local(), registry());
  server.start();
  Client client(to(server.port(), codec));
  std::string result;
  bool failed = false;
  slow_entered = 0;
  core::spawn([](Client* c, std::string* r, bool* failed) -> Task<void> {
    try {
      *r = co_await c->call("RPCServer.Slow", {"finished", "100", "", ""});
    } catch (const std::exception&) {
      *failed = true;
    }
  }(&client, &result, &failed));
  EXPECT_TRUE(co_await test_support::eventually([] { return slow_entered == 1; }));
  co_await server.drain();  // waits for the call in flight, answers it, closes
  EXPECT_EQ(server.connections(), 0u);
  co_await settle();
  EXPECT_FALSE(failed);
  EXPECT_EQ(result, "finished");
}

Task<void> call_ignoring_errors(Client* client, Payload p, bool* failed, bool* done) {
  try {
    co_await client->call("RPCServer.Slow", std::move(p));
  } catch (const std::exception&) {
    *failed = true;
  }
  *done = true;
}

/// A call to RPCServer.Slow that would take 10 s, once the server's handler holds it.
struct StuckCall {
  bool failed = false;
  bool done = false;
};
Task<bool> start_stuck_call(Client& client, StuckCall& call) {
  slow_entered = 0;
  core::spawn(call_ignoring_errors(&client, {"stuck", "10000", "", ""}, &call.failed, &call.done));
  co_return co_await test_support::eventually([] { return slow_entered == 1; });
}

CORO_TEST_P(RpcTest, DrainUnderADeadlineCutsTheCallsLeft, Codec codec) {
  Server server(local(), registry());
  server.start();
  Client client(to(server.port(), codec));
  StuckCall stuck;
  EXPECT_TRUE(co_await start_stuck_call(client, stuck));
  auto started = std::chrono::steady_clock::now();
  bool timed_out = false;
  try {
    co_await core::with_timeout(server.drain(), Duration(100));
  } catch (const core::TimeoutError&) {
    timed_out = true;
  }
  EXPECT_TRUE(timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));  // not the 10 s
  // The call left in flight is cut: its connection closes, and the caller hears of it.
  (void)co_await test_support::eventually([&] { return stuck.done && server.connections() == 0; });
  EXPECT_EQ(server.connections(), 0u);
  EXPECT_TRUE(stuck.done);
  EXPECT_TRUE(stuck.failed);
  co_await settle();
}

// close() is a worker's drain step: the call in flight fails, nothing of the client is left
// running on the loop, and later calls fail at once.
CORO_TEST_P(RpcTest, CloseFailsTheCallsInFlightAndEndsTheConnections, Codec codec) {
  {
    Server server(local(), registry());
    server.start();
    Client client(to(server.port(), codec));
    StuckCall stuck;
    EXPECT_TRUE(co_await start_stuck_call(client, stuck));
    co_await client.close();
    EXPECT_TRUE(co_await test_support::eventually([&] { return stuck.done; }));
    EXPECT_TRUE(stuck.failed);
    EXPECT_EQ(client.open_connections(), 0u);
    EXPECT_THROW(co_await client.call("RPCServer.LogInfo", {"late", "", "", ""}), core::NetError);
  }  // the server, going out of scope, cuts the call still in its handler ...
  co_await settle();  // ... whose coroutines end on the next turns
}

INSTANTIATE_TEST_SUITE_P(Codecs, RpcTest, ::testing::Values(Codec::gob, Codec::json),
                         [](const auto& info) {
                           return std::string(wire::rpc::codec_name(info.param));
                         });

Task<void> refused() {
  core::TcpListener probe;
  probe.listen("127.0.0.1", 0, false, [](core::TcpStream) {});
  int port = probe.port();
  probe.close();
  Client client(to(port, Codec::gob));
  EXPECT_THROW(co_await client.call("RPCServer.LogInfo", {"a", "", "", ""}), core::NetError);
  co_await settle();
}

TEST(RpcClient, ConnectionRefusedIsNetError) { core::run_sync(refused()); }

CORO_TEST(RpcClient, SilentPeerIsGivenUpAfterACallDeadline) {
  // Accepts and never answers, like a host that vanished without closing.
  std::vector<core::TcpStream> held;
  int accepted = 0;
  core::TcpListener listener;
  listener.listen("127.0.0.1", 0, false, [&](core::TcpStream s) {
    ++accepted;
    held.push_back(std::move(s));
  });
  {
    ClientOptions o = to(listener.port(), Codec::gob);
    o.call_timeout = Duration(100);
    Client client(o);
    EXPECT_THROW(co_await client.call("RPCServer.LogInfo", {"a", "", "", ""}), core::TimeoutError);
    EXPECT_EQ(client.open_connections(), 0u);  // given up on
    EXPECT_THROW(co_await client.call("RPCServer.LogInfo", {"b", "", "", ""}), core::TimeoutError);
    EXPECT_TRUE(co_await test_support::eventually([&] { return accepted == 2; }));
    EXPECT_EQ(accepted, 2);  // the second call connected afresh
  }
  held.clear();
  co_await settle();
}

CORO_TEST(RpcServer, JsonMetaReachesTheHandler) {
  Server server(local(), registry());
  server.start();
  {
    Client client(to(server.port(), Codec::json));
    EXPECT_EQ(co_await client.call("RPCServer.Meta", {"", "", "req-7", "00-abc-def-01"}),
              "req-7|00-abc-def-01");
  }
  co_await server.drain();
  co_await settle();
}

Task<void> write_ignoring_errors(core::TcpStream* s, const std::string* bytes, bool* done) {
  try {
    co_await s->write(*bytes, Duration(3000));
  } catch (const std::exception&) {
  }
  *done = true;
}

/// Writes `bytes` on a raw connection (while reading: the server may answer before it has
/// read them all) and returns what comes back until the server closes it or `wait` passes.
Task<std::string> raw_exchange(int port, std::string bytes, Duration wait) {
  core::TcpStream s = co_await core::tcp_connect("127.0.0.1", port, Duration(1000));
  bool written = false;
  core::spawn(write_ignoring_errors(&s, &bytes, &written));
  std::string got;
  try {
    while (co_await s.read_some(wait) > 0) {
      got.append(s.input().readable());
      s.input().consume(s.input().size());
    }
  } catch (const std::exception&) {
  }
  EXPECT_TRUE(co_await test_support::eventually([&] { return written; }));
  co_return got;
}

CORO_TEST(RpcServer, AnswersGoClientBytes) {
  Server server(local(), registry());
  server.start();
  // What a Go rpc.Client writes for two calls; the replies decode as Go's would.
  std::string got = co_await raw_exchange(
      server.port(), go_vectors::kGobCall0 + go_vectors::kGobCall3, Duration(1000));
  auto codec = wire::rpc::make_gob_client_codec();
  std::string_view rest = got;
  std::vector<wire::rpc::Reply> replies;
  for (;;) {
    auto p = codec->feed(rest);
    rest.remove_prefix(p.consumed);
    if (p.status != wire::rpc::DecodeStatus::message) break;
    replies.push_back(codec->take());
  }
  EXPECT_EQ(replies.size(), 2u);
  for (const auto& r : replies) {
    if (r.seq == 0)
      EXPECT_EQ(r.text, "Processed payload via RPC:test");
    else
      EXPECT_EQ(r.text, "rpc: can't find method RPCServer.Nope");
  }
  co_await server.drain();
  co_await settle();
}

CORO_TEST(RpcServer, BadFramesCloseOnlyTheirConnection) {
  Server server(local(), registry());
  server.start();
  Client client(to(server.port(), Codec::gob));
  EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"before", "", "", ""}),
            "Processed payload via RPC:before");
  // Garbage (gob by its first byte): closed without a word.
  EXPECT_EQ(co_await raw_exchange(server.port(), "\x05\x7f\x7f\x7f\x7f\x7fmore", Duration(2000)),
            "");
  // An oversize JSON object: an error reply with a null id, then closed.
  std::string big =
      R"({"method":"RPCServer.LogInfo","params":[{"Name":")" + std::string(2 << 20, 'a');
  std::string reply = co_await raw_exchange(server.port(), big, Duration(2000));
  EXPECT_EQ(
      reply.rfind(R"({"id":null,"result":null,"error":"rpc: message of more than 1048576 bytes"})",
                  0),
      0u)
      << reply;
  // An oversize gob argument after a good header: answered with its seq.
  std::string gob_big = go_vectors::kGobCall0.substr(0, 70);
  wire::rpc::gob::append_uint(gob_big, 3 << 20);
  gob_big += std::string(64, 'x');
  std::string gob_reply = co_await raw_exchange(server.port(), gob_big, Duration(2000));
  auto codec = wire::rpc::make_gob_client_codec();
  auto p = codec->feed(gob_reply);
  EXPECT_EQ(p.status, wire::rpc::DecodeStatus::message) << codec->error();
  if (p.status == wire::rpc::DecodeStatus::message) {
    auto r = codec->take();
    EXPECT_EQ(r.outcome, wire::rpc::Reply::Outcome::error);
    EXPECT_EQ(r.text, "rpc: message of 3145728 bytes exceeds the limit of 1048576 bytes");
  }
  // The good connection is untouched.
  EXPECT_EQ(co_await client.call("RPCServer.LogInfo", {"after", "", "", ""}),
            "Processed payload via RPC:after");
  co_await server.drain();
  co_await settle();
}

}  // namespace
