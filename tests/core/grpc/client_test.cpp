// The gRPC client against our own gRPC server, both real, over loopback TCP: round trips with
// metadata, many calls on one connection, error statuses (trailers-only), deadlines, message
// limits, and the server going away and coming back.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/grpc/client.hpp"
#include "core/grpc/server.hpp"
#include "core/net/tcp_listener.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/wait.hpp"
#include "wire/grpc/metadata.hpp"
#include "tests/support/coro_test.hpp"

namespace {

using core::Duration;
using core::Task;
using core::grpc::Call;
using core::grpc::Client;
using core::grpc::ClientOptions;
using core::grpc::Error;
using core::grpc::Server;
using core::grpc::ServerOptions;
using core::grpc::StatusCode;

Task<std::string> echo(Call c) { co_return "echo:" + c.message; }

// Answers with the metadata entry the request names (or "-").
Task<std::string> metadata(Call c) {
  const std::string* v = c.find(c.message);
  co_return v ? *v : std::string("-");
}

Task<std::string> failing(Call c) {
  throw Error(StatusCode::invalid_argument, "bad input: " + c.message);
  co_return "";
}

// Sleeps for the milliseconds the request names, then echoes them; counts entries and
// cancellations, so a test waits for "the call is in flight" rather than sleeping.
int slow_entered = 0;
int slow_cancelled = 0;
Task<std::string> slow(Call c) {
  ++slow_entered;
  try {
    co_await core::sleep(Duration(std::stoi(c.message)));
  } catch (const core::Cancelled&) {
    ++slow_cancelled;
    throw;
  }
  co_return c.message;
}

// A response of the size the request names.
Task<std::string> sized(Call c) { co_return std::string(std::stoul(c.message), 'r'); }

std::shared_ptr<const core::grpc::MethodTable> methods() {
  auto m = std::make_shared<core::grpc::MethodTable>();
  m->add("/test.T/Echo", echo);
  m->add("/test.T/Metadata", metadata);
  m->add("/test.T/Fail", failing);
  m->add("/test.T/Slow", slow);
  m->add("/test.T/Sized", sized);
  return m;
}

ServerOptions local(int port = 0, std::string token = "") {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.reuse_port = false;
  o.connection.methods = methods();
  o.connection.token = std::move(token);
  return o;
}

ClientOptions to(int port, std::string token = "") {
  ClientOptions o;
  o.port = port;
  o.token = std::move(token);
  o.call_timeout = std::chrono::seconds(5);
  o.backoff_initial = Duration(50);
  o.backoff_max = Duration(200);
  return o;
}

/// Lets detached coroutines (readers, writers) see their ends before the loop goes.
Task<void> settle() { co_await core::sleep(Duration(30)); }

/// The status of a call that must fail with one.
Task<StatusCode> status_of(Client* client, std::string path, std::string request, std::string* message = nullptr) {
  try {
    co_await client->call(std::move(path), std::move(request));
  } catch (const Error& e) {
    if (message) *message = e.what();
    co_return e.code;
  }
  co_return StatusCode::ok;
}

CORO_TEST(GrpcClient, RoundTripWithMetadata) {
  Server server(local(0, "s3cret"));
  server.start();
  {
    Client client(to(server.port(), "s3cret"));
    EXPECT_EQ(co_await client.call("/test.T/Echo", "hello"), "echo:hello");
    EXPECT_EQ(co_await client.call("/test.T/Echo", ""), "echo:");
    EXPECT_EQ(co_await client.call("/test.T/Metadata", "authorization"), "Bearer s3cret");
    core::grpc::CallOptions with_key;
    with_key.idempotency_key = "key-1";
    with_key.metadata.push_back({"x-request-id", "r-7"});
    EXPECT_EQ(co_await client.call("/test.T/Metadata", "idempotency-key", with_key), "key-1");
    EXPECT_EQ(co_await client.call("/test.T/Metadata", "x-request-id", with_key), "r-7");
    EXPECT_EQ(co_await client.call("/test.T/Metadata", "idempotency-key"), "-");
    // grpc-timeout carries what is left of the caller's deadline.
    core::grpc::CallOptions short_deadline;
    short_deadline.timeout = Duration(3000);
    auto sent = wire::grpc::parse_timeout(co_await client.call("/test.T/Metadata", "grpc-timeout", short_deadline));
    EXPECT_TRUE(sent);
    if (sent) {
      EXPECT_GT(sent->count(), 0);
      EXPECT_LE(sent->count(), 3000);
    }
    EXPECT_EQ(client.open_connections(), 1u);
    EXPECT_EQ(client.connects(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

Task<void> one_call(Client* client, int i, int* ok) {
  std::string ms = std::to_string(i % 7);
  if (co_await client->call("/test.T/Slow", ms) == ms) ++*ok;
}

CORO_TEST(GrpcClient, SixHundredConcurrentCallsOnOneConnection) {
  Server server(local());
  server.start();
  {
    Client client(to(server.port()));
    int ok = 0;
    // More than the server's 256 concurrent streams: the rest wait for a free one.
    for (int i = 0; i < 600; ++i) core::spawn(one_call(&client, i, &ok));
    EXPECT_TRUE(co_await test_support::eventually([&] { return ok == 600; }));
    EXPECT_EQ(ok, 600);
    EXPECT_EQ(server.connections(), 1u);  // all of them on one connection
    EXPECT_EQ(client.connects(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

// A server that takes one stream at a time: the calls sent before its SETTINGS arrived are
// refused unprocessed (REFUSED_STREAM) and sent again, then wait for a free stream. Every call
// succeeds either way.
CORO_TEST(GrpcClient, RefusedStreamsAreSentAgain) {
  ServerOptions o = local();
  o.connection.limits.max_concurrent_streams = 1;
  Server server(o);
  server.start();
  {
    Client client(to(server.port()));
    int ok = 0;
    for (int i = 0; i < 20; ++i) core::spawn(one_call(&client, i, &ok));
    EXPECT_TRUE(co_await test_support::eventually([&] { return ok == 20; }));
    EXPECT_EQ(ok, 20);
    EXPECT_EQ(client.connects(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

CORO_TEST(GrpcClient, ErrorStatusesFromTrailersOnlyResponses) {
  Server server(local(0, "s3cret"));
  server.start();
  {
    Client client(to(server.port(), "s3cret"));
    std::string message;
    EXPECT_EQ(co_await status_of(&client, "/test.T/Fail", "50% ünïcode\n", &message),
              StatusCode::invalid_argument);
    EXPECT_EQ(message, "bad input: 50% ünïcode\n");  // percent-encoded on the wire, decoded here
    EXPECT_EQ(co_await status_of(&client, "/test.T/Nope", "x", &message), StatusCode::unimplemented);
    EXPECT_EQ(message, "unknown method /test.T/Nope");
    Client no_token(to(server.port()));
    EXPECT_EQ(co_await status_of(&no_token, "/test.T/Echo", "x"), StatusCode::unauthenticated);
    // The connection survives error statuses.
    EXPECT_EQ(co_await client.call("/test.T/Echo", "after"), "echo:after");
    EXPECT_EQ(client.connects(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

Task<void> expect_timeout(Client* client, std::string ms, Duration timeout, bool* timed_out) {
  core::grpc::CallOptions o;
  o.timeout = timeout;
  try {
    co_await client->call("/test.T/Slow", std::move(ms), o);
  } catch (const core::TimeoutError&) {
    *timed_out = true;
  } catch (const Error& e) {
    // The server's own deadline (from grpc-timeout) may answer first.
    *timed_out = e.code == StatusCode::deadline_exceeded;
  }
}

CORO_TEST(GrpcClient, DeadlineExpiryCancelsTheCall) {
  Server server(local());
  server.start();
  {
    Client client(to(server.port()));
    bool timed_out = false;
    slow_entered = slow_cancelled = 0;
    core::spawn(expect_timeout(&client, "20000", Duration(300), &timed_out));
    EXPECT_TRUE(co_await test_support::eventually([] { return slow_entered == 1; }));
    EXPECT_TRUE(co_await test_support::eventually([&] { return timed_out; }));
    // The server stops the handler (its deadline, or our RST_STREAM).
    EXPECT_TRUE(co_await test_support::eventually([] { return slow_cancelled == 1; }));
    EXPECT_EQ(co_await client.call("/test.T/Slow", "1"), "1");
    EXPECT_EQ(client.connects(), 1u);  // one connection throughout
  }
  co_await server.drain();
  co_await settle();
}

CORO_TEST(GrpcClient, MessageLimitsBothWays) {
  Server server(local());
  server.start();
  {
    Client client(to(server.port()));
    // 3 MiB each way: past every flow-control window, within the 4 MiB limit.
    std::string big(3u << 20, 'q');
    EXPECT_EQ((co_await client.call("/test.T/Echo", big)).size(), big.size() + 5);
    EXPECT_EQ((co_await client.call("/test.T/Sized", std::to_string(3u << 20))).size(), 3u << 20);
    // Over 4 MiB: refused before it is sent, and a response over it is refused on arrival.
    EXPECT_EQ(co_await status_of(&client, "/test.T/Echo", std::string((4u << 20) + 1, 'q')),
              StatusCode::resource_exhausted);
    EXPECT_EQ(co_await status_of(&client, "/test.T/Sized", std::to_string((4u << 20) + 1)),
              StatusCode::resource_exhausted);
    EXPECT_EQ(co_await client.call("/test.T/Echo", "after"), "echo:after");
    EXPECT_EQ(client.connects(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

Task<void> in_flight_then_cut(Client* client, bool* unavailable) {
  try {
    co_await client->call("/test.T/Slow", "20000");
  } catch (const core::NetError&) {
    *unavailable = true;
  }
}

Task<bool> eventually_answers(Client* client) {
  for (int i = 0; i < 200; ++i) {
    try {
      if (co_await client->call("/test.T/Echo", "back") == "echo:back") co_return true;
    } catch (const core::NetError&) {
    }
    co_await core::sleep(Duration(25));
  }
  co_return false;
}

CORO_TEST(GrpcClient, ReconnectsAfterTheServerIsGone) {
  auto first = std::make_unique<Server>(local());
  first->start();
  int port = first->port();
  {
    Client client(to(port));
    EXPECT_EQ(co_await client.call("/test.T/Echo", "a"), "echo:a");
    // A call in flight when the server goes away fails as unavailable.
    bool unavailable = false;
    slow_entered = 0;
    core::spawn(in_flight_then_cut(&client, &unavailable));
    EXPECT_TRUE(co_await test_support::eventually([] { return slow_entered == 1; }));
    first.reset();  // cut: connections close under the client
    EXPECT_TRUE(co_await test_support::eventually([&] { return unavailable; }));
    // Nobody listens: calls fail at once with NetError (refused, then the back-off).
    bool refused = false;
    try {
      co_await client.call("/test.T/Echo", "x");
    } catch (const core::NetError&) {
      refused = true;
    }
    EXPECT_TRUE(refused);
    // The server comes back on the same port: the client reconnects by itself.
    auto second = std::make_unique<Server>(local(port));
    second->start();
    EXPECT_TRUE(co_await eventually_answers(&client));
    EXPECT_GE(client.connects(), 2u);
    EXPECT_EQ(client.open_connections(), 1u);
    co_await second->drain();
  }
  co_await settle();
}

Task<bool> refused(Client* client) {
  try {
    co_await client->call("/test.T/Echo", "x");
  } catch (const core::NetError&) {
    co_return true;
  }
  co_return false;
}

Task<void> keep_calling(Client* client, bool* stop) {
  while (!*stop) {
    co_await refused(client);
    co_await core::sleep(Duration(50));
  }
}

CORO_TEST(GrpcClient, FailedConnectsBackOff) {
  int port = 0;
  {
    Server gone(local());
    gone.start();
    port = gone.port();
  }
  ClientOptions o = to(port);
  o.backoff_initial = Duration(2000);
  o.backoff_max = Duration(2000);
  Client client(o);
  EXPECT_TRUE(co_await refused(&client));
  EXPECT_TRUE(co_await refused(&client));
  EXPECT_EQ(client.connects(), 1u);  // the second call came within the back-off
  bool stop = false;
  core::spawn(keep_calling(&client, &stop));
  EXPECT_TRUE(co_await test_support::eventually([&] { return client.connects() >= 2u; }, Duration(10000)));
  stop = true;
  co_await core::sleep(Duration(100));
}

CORO_TEST(GrpcClient, CloseFailsCallsAndEndsTheConnection) {
  Server server(local());
  server.start();
  {
    Client client(to(server.port()));
    EXPECT_EQ(co_await client.call("/test.T/Echo", "a"), "echo:a");
    bool unavailable = false;
    slow_entered = 0;
    core::spawn(in_flight_then_cut(&client, &unavailable));
    EXPECT_TRUE(co_await test_support::eventually([] { return slow_entered == 1; }));
    co_await client.close();  // a worker's drain step: the call in flight fails, nothing lingers
    EXPECT_TRUE(co_await test_support::eventually([&] { return unavailable; }));
    EXPECT_EQ(client.open_connections(), 0u);
    EXPECT_TRUE(co_await refused(&client));  // closed for good
    EXPECT_EQ(client.connects(), 1u);
  }
  co_await server.drain();
  co_await settle();
}

// A peer that accepts and never sends a byte (not even SETTINGS): the call times out, and a
// whole call_timeout of silence breaks the connection, so the next call connects afresh.
CORO_TEST(GrpcClient, SilentPeerIsGivenUp) {
  std::vector<core::TcpStream> held;
  core::TcpListener hole;
  hole.listen("127.0.0.1", 0, false, [&](core::TcpStream s) { held.push_back(std::move(s)); });
  {
    ClientOptions o = to(hole.port());
    o.call_timeout = Duration(300);
    Client client(o);
    bool timed_out = false;
    try {
      co_await client.call("/test.T/Echo", "x");
    } catch (const core::TimeoutError&) {
      timed_out = true;
    }
    EXPECT_TRUE(timed_out);
    EXPECT_EQ(client.open_connections(), 0u);  // given up on
    timed_out = false;
    try {
      co_await client.call("/test.T/Echo", "y");
    } catch (const core::TimeoutError&) {
      timed_out = true;
    }
    EXPECT_TRUE(timed_out);
    EXPECT_EQ(client.connects(), 2u);
    EXPECT_EQ(held.size(), 2u);
  }
  hole.close();
  co_await settle();
}

CORO_TEST(GrpcClient, GoawayIsNotAHang) {
  Server server(local());
  server.start();
  {
    Client client(to(server.port()));
    EXPECT_EQ(co_await client.call("/test.T/Echo", "a"), "echo:a");
    // A drain sends GOAWAY: the client's next call goes on a new connection... to a server
    // that no longer accepts, so it fails as unavailable rather than hanging.
    co_await server.drain();
    bool unavailable = false;
    try {
      co_await client.call("/test.T/Echo", "b");
    } catch (const core::NetError&) {
      unavailable = true;
    } catch (const Error& e) {
      unavailable = e.code == StatusCode::unavailable;
    }
    EXPECT_TRUE(unavailable);
  }
  co_await settle();
}

}  // namespace
