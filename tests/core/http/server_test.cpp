// The HTTP server on 127.0.0.1 port 0, driven by raw sockets (exact bytes, misbehaving
// clients) and by the Client, on one loop (run_sync).
#include "core/http/server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "core/http/client.hpp"
#include "core/http/json_io.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "tests/core/http/http_test_support.hpp"
#include "tests/support/wait.hpp"
#include "wire/json/value.hpp"
#include "tests/support/coro_test.hpp"

namespace core::http {
namespace {

using namespace std::chrono_literals;
using testing::header;
using testing::read_response;
using testing::read_until_close;
using testing::start_server;
using testing::stop_server;
using test_support::eventually;
using wire::http::ResponseParser;

// --- routes --------------------------------------------------------------------------------

Task<Response> ping(Context&) { co_return text(200, "."); }
Task<Response> hello(Context&) { co_return text(200, "hello"); }
Task<Response> echo(Context& ctx) { co_return text(200, ctx.request.body); }
Task<Response> request_id(Context& ctx) { co_return text(200, ctx.request_id); }
// Requests that stay in their handlers: tests wait until one has entered (a counter, not a
// sleep), and /slow answers when released, so it is in flight for exactly as long as a test needs.
int entered = 0;
bool slow_released = false;
Task<Response> slow(Context&) {
  ++entered;
  for (int i = 0; i < 6000 && !slow_released; ++i) co_await sleep(5ms);  // at most 30 s
  co_return text(200, "slow");
}
Task<Response> stuck(Context&) {
  ++entered;
  co_await sleep(10s);
  co_return text(200, "late");
}
// Set when /watched saw its wait cancelled.
bool watched_cancelled = false;
Task<Response> watched(Context&) {
  ++entered;
  try {
    co_await sleep(10s);
  } catch (const Cancelled&) {
    watched_cancelled = true;
    throw;
  }
  co_return text(200, "late");
}
Task<Response> throws(Context&) {
  throw std::runtime_error("boom");
  co_return text(200, "unreachable");
}
Task<Response> pool_full(Context&) {
  throw PoolFull("hashing");
  co_return text(200, "unreachable");
}

Router routes() {
  Router r;
  r.add("GET", "/ping", ping);
  r.add("GET", "/hello", hello);
  r.add("POST", "/echo", echo);
  r.add("GET", "/id", request_id);
  r.add("GET", "/slow", slow);
  r.add("GET", "/stuck", stuck);
  r.add("GET", "/watched", watched);
  r.add("GET", "/throw", throws);
  r.add("GET", "/full", pool_full);
  return r;
}

// --- helpers -------------------------------------------------------------------------------

Task<TcpStream> connect_to(const Server& server) {
  co_return co_await tcp_connect("127.0.0.1", server.port(), 2s);
}

/// One request on a fresh connection; the response.
Task<Response> one_request(const Server* server, std::string request) {
  TcpStream s = co_await connect_to(*server);
  co_await s.write(request);
  ResponseParser parser;
  co_return co_await read_response(&s, &parser);
}

std::string get(std::string_view path, std::string_view extra_headers = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

std::string post(std::string_view path, std::string_view body) {
  return "POST " + std::string(path) +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

// The envelope's fields, or error=-1 when the body is not one.
struct Envelope {
  int error = -1;
  std::string message;
};
Envelope envelope_of(const Response& r) {
  auto v = wire::json::parse(r.body);
  if (!v || !v->get("error").as_bool()) return {};
  return {*v->get("error").as_bool() ? 1 : 0,
          std::string(v->get("message").as_string().value_or(""))};
}

std::string header_or_empty(const Response& r, std::string_view name) {
  const std::string* v = header(r, name);
  return v ? *v : std::string();
}

// --- connection handling -------------------------------------------------------------------

Task<void> keep_alive() {
  auto server = start_server(testing::local_options(), routes());
  {
    TcpStream s = co_await connect_to(*server);
    ResponseParser parser;
    co_await s.write(get("/hello"));
    Response a = co_await read_response(&s, &parser);
    co_await s.write(post("/echo", "second"));
    Response b = co_await read_response(&s, &parser);
    EXPECT_EQ(a.body, "hello");
    EXPECT_EQ(b.body, "second");
    EXPECT_TRUE(parser.keep_alive());
    EXPECT_EQ(server->connections(), 1u);
  }
  co_await stop_server(server.get());
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) { run_sync(keep_alive()); }

CORO_TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start_server(testing::local_options(), routes());
  {
    TcpStream s = co_await connect_to(*server);
    co_await s.write(post("/echo", "one") + post("/echo", "two") + post("/echo", "three"));
    ResponseParser parser;
    for (const char* expected : {"one", "two", "three"}) {
      Response r = co_await read_response(&s, &parser);
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, expected);
    }
  }
  co_await stop_server(server.get());
}

Task<void> header_timeout() {
  ServerOptions o = testing::local_options();
  o.header_timeout = 200ms;
  auto server = start_server(o, routes());
  {
    TcpStream s = co_await connect_to(*server);
    co_await s.write("GET /hello HTTP/1.1\r\nHost: te");  // and then nothing
    std::string got = co_await read_until_close(&s, 5s);
    // It ended: with a 408, or (had the write raced the close) nothing at all.
    if (!got.empty()) EXPECT_EQ(got.substr(0, 12), "HTTP/1.1 408") << got;
  }
  co_await stop_server(server.get());
}

TEST(HttpServer, HalfAHeaderIsCutOffAfterTheHeaderTimeout) { run_sync(header_timeout()); }

// Slowloris on the body: the body timeout runs from the end of the headers, so a client that
// keeps sending a byte now and then does not hold the connection past it.
Task<void> body_timeout() {
  ServerOptions o = testing::local_options();
  o.body_timeout = 200ms;
  auto server = start_server(o, routes());
  {
    TcpStream s = co_await connect_to(*server);
    constexpr int kBody = 40;  // a byte every 25 ms: 1 s for the whole body, past the timeout
    // Connection: close, so that a server without the timeout answers the echo and ends.
    co_await s.write("POST /echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: " +
                     std::to_string(kBody) + "\r\n\r\n");
    int sent = 0;
    bool ended = false;  // the server answered or closed before the body was complete
    while (sent < kBody && !ended) {
      try {
        co_await s.write("x");
        ++sent;
        co_await s.read_some(25ms);  // anything, or the close
        ended = sent < kBody;
      } catch (const core::TimeoutError&) {
      } catch (const NetError&) {
        ended = true;  // cut off: the write or the read met the closed connection
      }
    }
    std::string got = co_await read_until_close(&s, 5s);
    EXPECT_TRUE(ended) << "the whole trickled body was taken; got: " << got;
    // It ended: with a 408, or (had a write raced the close) nothing at all; never the echo.
    if (!got.empty()) EXPECT_EQ(got.substr(0, 12), "HTTP/1.1 408") << got;
  }
  co_await stop_server(server.get());
}

TEST(HttpServer, ATrickledBodyIsCutOffAfterTheBodyTimeout) { run_sync(body_timeout()); }

Task<void> idle_timeout() {
  ServerOptions o = testing::local_options();
  o.idle_timeout = 100ms;
  auto server = start_server(o, routes());
  {
    TcpStream s = co_await connect_to(*server);
    ResponseParser parser;
    co_await s.write(get("/hello"));
    Response r = co_await read_response(&s, &parser);
    EXPECT_EQ(r.status, 200);
    std::string rest = co_await read_until_close(&s, 5s);
    EXPECT_EQ(rest, "");  // closed without a word
  }
  co_await stop_server(server.get());
}

TEST(HttpServer, IdleKeepAliveConnectionClosesAfterIdleTimeout) { run_sync(idle_timeout()); }

CORO_TEST(HttpServer, ExpectContinueGetsAnInterimResponse) {
  auto server = start_server(testing::local_options(), routes());
  {
    TcpStream s = co_await connect_to(*server);
    co_await s.write(
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    while (s.input().readable().find("\r\n\r\n") == std::string_view::npos) {
      if (co_await s.read_some(2s) == 0) break;
    }
    std::string interim(s.input().readable());
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    s.input().consume(interim.size());
    co_await s.write("hello");
    ResponseParser parser;
    Response r = co_await read_response(&s, &parser);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello");
  }
  co_await stop_server(server.get());
}

// --- limits --------------------------------------------------------------------------------

CORO_TEST(HttpServer, BodyOverTheLimitIs413) {
  auto server = start_server(testing::local_options(), routes());
  {
    Response r = co_await one_request(
        server.get(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n\r\n");
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(envelope_of(r).error, 1);
    EXPECT_EQ(header_or_empty(r, "Connection"), "close");

    // A client that sends the whole body at once still gets to read the 413: the server drains
    // what arrives before closing, so no RST destroys the response.
    Response sent = co_await one_request(
        server.get(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n\r\n" +
                          std::string(2 * 1024 * 1024, 'x'));
    EXPECT_EQ(sent.status, 413);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpServer, HeaderBlockOverTheLimitIs431) {
  auto server = start_server(testing::local_options(), routes());
  {
    Response r = co_await one_request(
        server.get(), get("/hello", "X-Big: " + std::string(17 * 1024, 'a') + "\r\n"));
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(envelope_of(r).error, 1);
  }
  co_await stop_server(server.get());
}

Task<void> max_connections() {
  ServerOptions o = testing::local_options();
  o.max_connections = 2;
  auto server = start_server(o, routes());
  {
    ResponseParser pa, pb;
    TcpStream a = co_await connect_to(*server);
    TcpStream b = co_await connect_to(*server);
    co_await a.write(get("/hello"));
    co_await b.write(get("/hello"));
    EXPECT_EQ((co_await read_response(&a, &pa)).status, 200);
    EXPECT_EQ((co_await read_response(&b, &pb)).status, 200);
    EXPECT_EQ(server->connections(), 2u);

    // The kernel completes the handshake; the server resets the connection at once (the
    // reset can even beat the client's connect callback).
    std::string third = "connect failed";
    try {
      TcpStream c = co_await connect_to(*server);
      try {
        co_await c.write(get("/hello"));
      } catch (const NetError&) {
      }
      third = co_await read_until_close(&c, 5s);
    } catch (const NetError&) {
      third = "";
    }
    EXPECT_EQ(third, "");

    a.close();  // frees a slot once the server has seen it go
    EXPECT_TRUE(co_await eventually([&] { return server->connections() < 2; }));
    Response r = co_await one_request(server.get(), get("/hello"));
    EXPECT_EQ(r.status, 200);
  }
  co_await stop_server(server.get());
}

TEST(HttpServer, ConnectionsOverMaxConnectionsAreRefused) { run_sync(max_connections()); }

// --- routing and middleware ----------------------------------------------------------------

CORO_TEST(HttpServer, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  auto server = start_server(testing::local_options(), routes());
  {
    Response r = co_await one_request(server.get(), get("/nope"));
    EXPECT_EQ(r.status, 404);
    Envelope e = envelope_of(r);
    EXPECT_EQ(e.error, 1);
    EXPECT_FALSE(e.message.empty());

    r = co_await one_request(server.get(), post("/hello", "x"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(header_or_empty(r, "Allow"), "GET");
    EXPECT_EQ(envelope_of(r).error, 1);
    EXPECT_EQ(header_or_empty(r, "Content-Type"), "application/json");
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpServer, RequestIdIsEchoedOrGenerated) {
  auto server = start_server(testing::local_options(), routes());
  {
    Response r = co_await one_request(server.get(), get("/id", "X-Request-ID: abc-123\r\n"));
    EXPECT_EQ(r.body, "abc-123");
    EXPECT_EQ(header_or_empty(r, "X-Request-ID"), "abc-123");

    r = co_await one_request(server.get(), get("/id"));
    EXPECT_EQ(r.body.size(), 32u);
    EXPECT_EQ(header_or_empty(r, "X-Request-ID"), r.body);

    // Not a sane id (a space): replaced, not echoed.
    r = co_await one_request(server.get(), get("/id", "X-Request-ID: a b\r\n"));
    EXPECT_EQ(r.body.size(), 32u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpServer, CorsAllowlistAndPreflight) {
  ServerOptions o = testing::local_options();
  o.cors_origins = {"http://allowed.example"};
  auto server = start_server(o, routes());
  {
    Response r =
        co_await one_request(server.get(), get("/hello", "Origin: http://allowed.example\r\n"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header_or_empty(r, "Access-Control-Allow-Origin"), "http://allowed.example");

    r = co_await one_request(server.get(), get("/hello", "Origin: http://evil.example\r\n"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), nullptr);

    r = co_await one_request(
        server.get(),
        "OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: http://allowed.example\r\n"
        "Access-Control-Request-Method: POST\r\n"
        "Access-Control-Request-Headers: Content-Type\r\n\r\n");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(header_or_empty(r, "Access-Control-Allow-Origin"), "http://allowed.example");
    EXPECT_NE(header_or_empty(r, "Access-Control-Allow-Methods").find("POST"), std::string::npos);
  }
  co_await stop_server(server.get());
}

Task<void> internal_token() {
  ServerOptions o = testing::local_options();
  o.internal_token = "s3cret";
  auto server = start_server(o, routes());
  {
    Response r = co_await one_request(server.get(), get("/hello"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(envelope_of(r).error, 1);
    r = co_await one_request(server.get(), get("/hello", "Authorization: Bearer wrong!\r\n"));
    EXPECT_EQ(r.status, 401);
    r = co_await one_request(server.get(), get("/hello", "Authorization: Bearer s3cret\r\n"));
    EXPECT_EQ(r.status, 200);
    r = co_await one_request(server.get(), get("/hello", "Authorization: bearer s3cret\r\n"));
    EXPECT_EQ(r.status, 200);  // the scheme is case-insensitive
    r = co_await one_request(server.get(), get("/ping"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, ".");
  }
  co_await stop_server(server.get());
}

TEST(HttpServer, InternalTokenGuardsAllButOpenPaths) { run_sync(internal_token()); }

CORO_TEST(HttpServer, ThrowingHandlerIs500AndPoolFullIs503WithRetryAfter) {
  auto server = start_server(testing::local_options(), routes());
  {
    Response r = co_await one_request(server.get(), get("/throw"));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(envelope_of(r).error, 1);
    EXPECT_EQ(r.body.find("boom"), std::string::npos);  // internals stay in the log

    r = co_await one_request(server.get(), get("/full"));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(envelope_of(r).error, 1);
    EXPECT_EQ(header_or_empty(r, "Retry-After"), "1");
  }
  co_await stop_server(server.get());
}

// --- drain and shutdown --------------------------------------------------------------------

struct SlowCall {
  std::optional<Response> response;
  std::string after;  // what came after the response, until the close
  bool done = false;
};

Task<void> slow_call(const Server* server, SlowCall* out) {
  try {
    TcpStream s = co_await connect_to(*server);
    co_await s.write(get("/slow"));
    ResponseParser parser;
    out->response = co_await read_response(&s, &parser);
    out->after = co_await read_until_close(&s, 5s);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
  out->done = true;
}

Task<void> release_slow_next_turn() {
  co_await yield();
  slow_released = true;
}

Task<void> drain() {
  auto server = start_server(testing::local_options(), routes());
  TcpStream idle = co_await connect_to(*server);
  ResponseParser parser;
  co_await idle.write(get("/hello"));
  EXPECT_EQ((co_await read_response(&idle, &parser)).status, 200);

  SlowCall slow;
  entered = 0;
  slow_released = false;
  spawn(slow_call(server.get(), &slow));
  EXPECT_TRUE(co_await eventually([] { return entered > 0; })) << "the slow request never reached its handler";
  EXPECT_EQ(server->connections(), 2u);

  spawn(release_slow_next_turn());  // drain() has begun by then
  co_await with_timeout(server->drain(), 30s);
  EXPECT_EQ(server->connections(), 0u);

  EXPECT_EQ(co_await read_until_close(&idle, 2s), "");  // the idle one was closed at once
  EXPECT_TRUE(co_await eventually([&] { return slow.done; }));
  EXPECT_TRUE(slow.response.has_value());
  if (slow.response) {
    EXPECT_EQ(slow.response->status, 200);
    EXPECT_EQ(slow.response->body, "slow");
    EXPECT_EQ(header_or_empty(*slow.response, "Connection"), "close");
  }

  // Not accepting any more.
  bool refused = false;
  try {
    TcpStream late = co_await connect_to(*server);
  } catch (const NetError&) {
    refused = true;
  }
  EXPECT_TRUE(refused);
}

TEST(HttpServer, DrainClosesIdleConnectionsAndFinishesInFlightOnes) { run_sync(drain()); }

CORO_TEST(HttpServer, AClientThatHangsUpCancelsItsRunningRequest) {
  auto server = start_server(testing::local_options(), routes());
  watched_cancelled = false;
  {
    TcpStream s = co_await connect_to(*server);
    entered = 0;
    co_await s.write(get("/watched"));
    EXPECT_TRUE(co_await eventually([] { return entered > 0; })) << "the request never reached its handler";
    EXPECT_EQ(server->connections(), 1u);
  }  // the client closes its socket
  (void)co_await eventually([&] { return watched_cancelled && server->connections() == 0; });
  EXPECT_TRUE(watched_cancelled);  // the handler's wait ended long before its 10 s
  EXPECT_EQ(server->connections(), 0u);
  co_await stop_server(server.get());
}

CORO_TEST(HttpServer, DrainUnderADeadlineEndsWhenTheGracePeriodIsOver) {
  auto server = start_server(testing::local_options(), routes());
  TcpStream s = co_await connect_to(*server);
  entered = 0;
  co_await s.write(get("/stuck"));
  EXPECT_TRUE(co_await eventually([] { return entered > 0; })) << "the request never reached its handler";
  auto started = std::chrono::steady_clock::now();
  bool timed_out = false;
  try {
    co_await with_timeout(server->drain(), 100ms);
  } catch (const TimeoutError&) {
    timed_out = true;
  }
  EXPECT_TRUE(timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // the handler would take 10 s
  // What was left is cut: the stuck request's connection closes.
  std::string got = co_await read_until_close(&s, 2s);
  (void)got;
  EXPECT_TRUE(co_await eventually([&] { return server->connections() == 0; }));
}

CORO_TEST(HttpServer, DestroyingTheServerWithOpenConnectionsIsSafe) {
  auto server = start_server(testing::local_options(), routes());
  TcpStream idle = co_await connect_to(*server);
  ResponseParser parser;
  co_await idle.write(get("/hello"));
  EXPECT_EQ((co_await read_response(&idle, &parser)).status, 200);
  TcpStream busy = co_await connect_to(*server);
  entered = 0;
  co_await busy.write(get("/stuck"));
  EXPECT_TRUE(co_await eventually([] { return entered > 0; })) << "the request never reached its handler";

  server.reset();  // the connection coroutines unwind later, without the server
  co_await sleep(50ms);
  EXPECT_EQ(co_await read_until_close(&idle, 2s), "");
  (void)co_await read_until_close(&busy, 2s);
}

// --- through the client --------------------------------------------------------------------

CORO_TEST(HttpServer, ServesTheClient) {
  auto server = start_server(testing::local_options(), routes());
  {
    Client client;
    for (int i = 0; i < 3; ++i) {
      Response r =
          co_await client.post(testing::url_of(*server, "/echo"), "body " + std::to_string(i));
      EXPECT_EQ(r.body, "body " + std::to_string(i));
    }
    Response r = co_await client.request("HEAD", testing::url_of(*server, "/hello"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header_or_empty(r, "Content-Length"), "5");
    EXPECT_EQ(client.connections_opened(), 1u);
  }
  co_await stop_server(server.get());
}

}  // namespace
}  // namespace core::http
