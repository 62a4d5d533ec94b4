// Admission before a handler: client addresses behind trusted proxies, the per-client token
// bucket (RATE_LIMIT_RPS / RATE_LIMIT_BURST, 429 + Retry-After), the in-flight cap
// (MAX_IN_FLIGHT, 503 + Retry-After), and through a real server on 127.0.0.1.
#include "core/http/rate_limit.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "core/http/json_io.hpp"
#include "core/runtime/spawn.hpp"
#include "tests/core/http/http_test_support.hpp"
#include "tests/support/coro_test.hpp"

namespace core::http {
namespace {

using namespace std::chrono_literals;
using testing::header;
using testing::read_response;
using testing::read_until_close;
using testing::start_server;
using testing::stop_server;
using wire::http::ResponseParser;

std::vector<Network> networks(std::vector<std::string> entries) {
  auto n = parse_networks(entries);
  EXPECT_TRUE(n.ok());
  return n.ok() ? n.value() : std::vector<Network>{};
}

Request with_xff(std::vector<std::string> values) {
  Request r;
  for (auto& v : values) r.headers.push_back({"X-Forwarded-For", v});
  return r;
}

TEST(ClientAddress, ParsesAddressesAndNetworks) {
  EXPECT_TRUE(parse_networks({"10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", " 192.168.1.0/24 "}).ok());
  EXPECT_FALSE(parse_networks({"10.0.0.0/33"}).ok());
  EXPECT_FALSE(parse_networks({"fd00::/129"}).ok());
  EXPECT_FALSE(parse_networks({"example.com"}).ok());
  EXPECT_FALSE(parse_networks({"10.0.0.0/"}).ok());
  const auto n = networks({"10.0.0.0/8", "192.168.1.7", "fd00::/8"});
  EXPECT_TRUE(in_networks("10.200.3.4", n));
  EXPECT_FALSE(in_networks("11.0.0.1", n));
  EXPECT_TRUE(in_networks("192.168.1.7", n));
  EXPECT_FALSE(in_networks("192.168.1.8", n));
  EXPECT_TRUE(in_networks("fd12::1", n));
  EXPECT_FALSE(in_networks("fe80::1", n));
  EXPECT_FALSE(in_networks("garbage", n));
}

TEST(ClientAddress, PeerHostDropsThePort) {
  EXPECT_EQ(peer_host("127.0.0.1:5555"), "127.0.0.1");
  EXPECT_EQ(peer_host("::1:5555"), "::1");
  EXPECT_EQ(peer_host("-"), "-");
}

TEST(ClientAddress, AnUntrustedPeerIsTheClientWhateverItForwards) {
  const auto trusted = networks({"10.0.0.1"});
  EXPECT_EQ(client_address(with_xff({"1.2.3.4"}), "203.0.113.9:4000", trusted), "203.0.113.9");
  EXPECT_EQ(client_address(with_xff({"1.2.3.4"}), "203.0.113.9:4000", {}), "203.0.113.9");
}

TEST(ClientAddress, ATrustedProxysLastHopIsTheClient) {
  const auto trusted = networks({"10.0.0.0/8"});
  // The client may put anything first; only the hop the proxy added counts.
  EXPECT_EQ(client_address(with_xff({"6.6.6.6, 1.2.3.4"}), "10.0.0.1:4000", trusted), "1.2.3.4");
  // Through two trusted proxies: back past the second one.
  EXPECT_EQ(client_address(with_xff({"1.2.3.4, 10.9.9.9"}), "10.0.0.1:4000", trusted), "1.2.3.4");
  // Several header lines are one list.
  EXPECT_EQ(client_address(with_xff({"6.6.6.6", "1.2.3.4"}), "10.0.0.1:4000", trusted), "1.2.3.4");
  // Nothing usable: the proxy itself.
  EXPECT_EQ(client_address(with_xff({}), "10.0.0.1:4000", trusted), "10.0.0.1");
  EXPECT_EQ(client_address(with_xff({"not-an-ip"}), "10.0.0.1:4000", trusted), "10.0.0.1");
  EXPECT_EQ(client_address(with_xff({"10.0.0.2"}), "10.0.0.1:4000", trusted), "10.0.0.1");
}

TEST(RateLimiter, BurstThenTheRate) {
  RateLimiter limiter(5, 10);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.take("a", t0).allowed) << i;
  const auto refused = limiter.take("a", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1);
  // Another client has its own bucket.
  EXPECT_TRUE(limiter.take("b", t0).allowed);
  // 5 a second: one more token after 200 ms, not before.
  EXPECT_FALSE(limiter.take("a", t0 + 150ms).allowed);
  EXPECT_TRUE(limiter.take("a", t0 + 250ms).allowed);
  EXPECT_FALSE(limiter.take("a", t0 + 260ms).allowed);
  // After a long pause the bucket is full again, never fuller.
  int allowed = 0;
  for (int i = 0; i < 30; ++i) allowed += limiter.take("a", t0 + 1h).allowed ? 1 : 0;
  EXPECT_EQ(allowed, 10);
}

TEST(RateLimiter, RetryAfterIsTheWaitForOneToken) {
  RateLimiter limiter(0.1, 1);  // one request every ten seconds
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.take("a", t0).allowed);
  const auto d = limiter.take("a", t0 + 1s);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 9);
}

TEST(RateLimiter, MemoryIsBoundedAndTheOldestClientGoesFirst) {
  RateLimiter limiter(1, 1, 1600);  // 100 per shard
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  const auto client = [](int i) { return "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256); };
  for (int i = 0; i < 20000; ++i) EXPECT_TRUE(limiter.take(client(i), t0).allowed);
  EXPECT_LE(limiter.clients(), 1600u);
  // The client seen last still has its (empty) bucket; the first one was dropped and starts
  // afresh, as it would have after a second of silence anyway.
  EXPECT_FALSE(limiter.take(client(19999), t0).allowed);
  EXPECT_TRUE(limiter.take(client(0), t0).allowed);
}

// --- through a server -----------------------------------------------------------------------

Task<Response> hello(Context&) { co_return text(200, "hello"); }
Task<Response> client_of(Context& ctx) { co_return text(200, ctx.client); }
// /held waits until the test lets it go (no timing in the assertions).
int held_entered = 0;
bool held_release = false;
Task<Response> held(Context&) {
  ++held_entered;
  for (int i = 0; i < 2000 && !held_release; ++i) co_await sleep(5ms);
  co_return text(200, "held");
}

Router routes() {
  Router r;
  r.add("GET", "/ping", hello);
  r.add("GET", "/hello", hello);
  r.add("GET", "/client", client_of);
  r.add("GET", "/held", held);
  return r;
}

Task<Response> one_request(const Server& server, std::string request) {
  TcpStream s = co_await tcp_connect("127.0.0.1", server.port(), 2s);
  co_await s.write(request);
  ResponseParser parser;
  co_return co_await read_response(&s, &parser);
}

std::string get(std::string_view path, std::string_view extra = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) + "\r\n";
}

CORO_TEST(Admission, RateLimitAnswers429WithRetryAfter) {
  ServerOptions o = testing::local_options();
  o.admission.rate_limiter = std::make_shared<RateLimiter>(0.01, 3);  // a token per 100 s: no refill mid-test
  auto server = start_server(o, routes());
  {
    // Keep-alive or not, one client: three pass, the fourth is refused.
    TcpStream s = co_await tcp_connect("127.0.0.1", server->port(), 2s);
    ResponseParser parser;
    for (int i = 0; i < 3; ++i) {
      co_await s.write(get("/hello"));
      EXPECT_EQ((co_await read_response(&s, &parser)).status, 200) << i;
    }
    Response refused = co_await one_request(*server, get("/hello"));
    EXPECT_EQ(refused.status, 429);
    const std::string* retry = header(refused, "Retry-After");
    EXPECT_NE(retry, nullptr);
    const int seconds = retry ? std::stoi(*retry) : 0;
    EXPECT_GE(seconds, 1);
    EXPECT_LE(seconds, 100);
    // Probes and scrapes are never limited.
    EXPECT_EQ((co_await one_request(*server, get("/ping"))).status, 200);
    // The connection stays usable: a 429 is an answer, not a protocol error.
    co_await s.write(get("/hello"));
    EXPECT_EQ((co_await read_response(&s, &parser)).status, 429);
  }
  co_await stop_server(server.get());
}

CORO_TEST(Admission, ATrustedProxysForwardedClientIsLimitedOnItsOwn) {
  ServerOptions o = testing::local_options();
  o.admission.trusted_proxies = networks({"127.0.0.1"});
  o.admission.rate_limiter = std::make_shared<RateLimiter>(0.01, 1);
  auto server = start_server(o, routes());
  {
    Response r = co_await one_request(*server, get("/client", "X-Forwarded-For: 9.9.9.9, 1.2.3.4\r\n"));
    EXPECT_EQ(r.body, "1.2.3.4");
    // Each forwarded client has its own bucket behind the same proxy.
    r = co_await one_request(*server, get("/client", "X-Forwarded-For: 1.2.3.5\r\n"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "1.2.3.5");
    r = co_await one_request(*server, get("/client", "X-Forwarded-For: 1.2.3.4\r\n"));
    EXPECT_EQ(r.status, 429);
  }
  co_await stop_server(server.get());
}

struct Outcome {
  int status = 0;
  std::string retry_after;
  bool done = false;
};

Task<void> call(const Server* server, std::string path, Outcome* out) {
  try {
    Response r = co_await one_request(*server, get(path));
    out->status = r.status;
    if (const std::string* v = header(r, "Retry-After")) out->retry_after = *v;
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
  out->done = true;
}

CORO_TEST(Admission, RequestsOverTheInFlightCapAre503WithRetryAfter) {
  ServerOptions o = testing::local_options();
  o.admission.max_in_flight = 2;
  auto server = start_server(o, routes());
  {
    Outcome a, b;
    held_entered = 0;
    held_release = false;
    spawn(call(server.get(), "/held", &a));
    spawn(call(server.get(), "/held", &b));
    for (int i = 0; i < 2000 && held_entered < 2; ++i) co_await sleep(5ms);
    EXPECT_EQ(held_entered, 2);
    Response over = co_await one_request(*server, get("/hello"));
    EXPECT_EQ(over.status, 503);
    const std::string* retry = header(over, "Retry-After");
    EXPECT_TRUE(retry && *retry == "1");
    // Open paths still answer.
    EXPECT_EQ((co_await one_request(*server, get("/ping"))).status, 200);
    held_release = true;
    while (!a.done || !b.done) co_await sleep(5ms);
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(b.status, 200);
    // Below the cap again.
    EXPECT_EQ((co_await one_request(*server, get("/hello"))).status, 200);
  }
  co_await stop_server(server.get());
}

CORO_TEST(Admission, RequestLineOver8KiBIs414AndCloses) {
  auto server = start_server(testing::local_options(), routes());
  {
    TcpStream s = co_await tcp_connect("127.0.0.1", server->port(), 2s);
    co_await s.write("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
    const std::string all = co_await read_until_close(&s, 5s);
    EXPECT_EQ(all.rfind("HTTP/1.1 414 ", 0), 0u) << all.substr(0, 60);
    EXPECT_NE(all.find("Connection: close"), std::string::npos);
  }
  co_await stop_server(server.get());
}

CORO_TEST(Admission, HostileFramingIs400AndCloses) {
  auto server = start_server(testing::local_options(), routes());
  const std::string cases[] = {
      "POST /hello HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
      "POST /hello HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET /hello HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n",
      "GET /hello HTTP/1.1\nHost: t\n\n",
      std::string("GET /hello HTTP/1.1\r\nX-A: a\0b\r\n\r\n", 34),
      "POST /hello HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n",
  };
  for (const std::string& c : cases) {
    TcpStream s = co_await tcp_connect("127.0.0.1", server->port(), 2s);
    co_await s.write(c);
    const std::string all = co_await read_until_close(&s, 5s);
    EXPECT_EQ(all.rfind("HTTP/1.1 400 ", 0), 0u) << all.substr(0, 60);
    EXPECT_NE(all.find("Connection: close"), std::string::npos);
  }
  co_await stop_server(server.get());
}

}  // namespace
}  // namespace core::http
