// The HTTP client against a real Server and against raw sockets that misbehave on purpose,
// all on one loop (run_sync).
#include "core/http/client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "core/http/json_io.hpp"
#include "core/runtime/spawn.hpp"
#include "tests/core/http/http_test_support.hpp"
#include "tests/support/coro_test.hpp"

namespace core::http {
namespace {

using namespace std::chrono_literals;
using testing::header;
using testing::start_server;
using testing::stop_server;
using testing::url_of;

// --- routes --------------------------------------------------------------------------------

Task<Response> hello(Context&) { co_return text(200, "hello"); }

Task<Response> slow(Context&) {
  co_await sleep(100ms);
  co_return text(200, "slow");
}

Task<Response> chunked(Context&) {
  Response r;
  r.headers.push_back({"Transfer-Encoding", "chunked"});
  r.body = "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
  co_return r;
}

Task<Response> big(Context&) { co_return text(200, std::string(1024 * 1024 + 1, 'x')); }

Task<Response> echo(Context& ctx) {
  Response r = text(201, ctx.request.method + " " + ctx.request.target + " " + ctx.request.body);
  if (const std::string* v = ctx.request.header("X-Probe"))
    r.headers.push_back({"X-Probe-Echo", *v});
  if (const std::string* v = ctx.request.header("Host")) r.headers.push_back({"X-Host-Echo", *v});
  co_return r;
}

Router routes() {
  Router r;
  r.add("GET", "/hello", hello);
  r.add("GET", "/slow", slow);
  r.add("GET", "/chunked", chunked);
  r.add("GET", "/big", big);
  r.add("POST", "/echo", echo);
  return r;
}

// --- helpers -------------------------------------------------------------------------------

struct Failure {
  std::string type;  // "none" when the request succeeded
  std::string what;
  int status = 0;  // ProtocolError::status, or the response status
};

Task<Failure> failure_of(Task<Response> request) {
  try {
    Response r = co_await std::move(request);
    co_return Failure{"none", r.body, r.status};
  } catch (const ProtocolError& e) {
    co_return Failure{"ProtocolError", e.what(), e.status};
  } catch (const TimeoutError& e) {
    co_return Failure{"TimeoutError", e.what()};
  } catch (const NetError& e) {
    co_return Failure{"NetError", e.what()};
  } catch (const std::exception& e) {
    co_return Failure{"other", e.what()};
  }
}

Task<void> wait_until(std::function<bool()> done, Duration max = 30s) {
  auto until = std::chrono::steady_clock::now() + max;
  while (!done() && std::chrono::steady_clock::now() < until) co_await sleep(5ms);
}

Task<void> fetch(Client* client, std::string url, std::vector<int>* statuses) {
  try {
    Response r = co_await client->get(url);
    statuses->push_back(r.status);
  } catch (const std::exception&) {
    statuses->push_back(-1);
  }
}

// Runs n GETs at once and waits for all of them.
Task<std::vector<int>> fetch_all(Client* client, std::string url, int n) {
  std::vector<int> statuses;
  for (int i = 0; i < n; ++i) spawn(fetch(client, url, &statuses));
  co_await wait_until([&] { return statuses.size() == static_cast<std::size_t>(n); });
  co_return statuses;
}

// A raw server whose sessions behave as the test says.
enum class Behaviour {
  answer_then_close_second,  // answers the first request kept alive, closes on the second
  close_without_answer,      // reads the request, closes
  never_answer,              // reads, then waits for the client to go
  malformed,                 // answers garbage
  http10,                    // an HTTP/1.0 response
  until_close,               // a body delimited by the close
  truncated,                 // Content-Length 10, 3 bytes, close
};

struct RawServer {
  explicit RawServer(Behaviour b) : behaviour(b) {
    listener.listen("127.0.0.1", 0, false, [this](TcpStream s) {
      ++accepted;
      ++active;
      spawn(session(this, std::move(s)));
    });
  }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(listener.port()) + std::string(path);
  }
  static Task<bool> read_head(TcpStream* s) {
    while (s->input().readable().find("\r\n\r\n") == std::string_view::npos) {
      if (co_await s->read_some(5s) == 0) co_return false;
    }
    auto text = s->input().readable();
    s->input().consume(text.find("\r\n\r\n") + 4);
    co_return true;
  }
  static Task<void> session(RawServer* self, TcpStream s) {
    try {
      int requests = 0;
      bool open = true;
      while (open && co_await read_head(&s)) {
        ++requests;
        switch (self->behaviour) {
          case Behaviour::answer_then_close_second:
            open = requests == 1;
            if (open) co_await s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            break;
          case Behaviour::close_without_answer:
            open = false;
            break;
          case Behaviour::never_answer:
            while (co_await s.read_some(10s) > 0) s.input().consume(s.input().size());
            open = false;
            break;
          case Behaviour::malformed:
            co_await s.write("HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\nok");
            break;
          case Behaviour::http10:
            co_await s.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
            break;
          case Behaviour::until_close:
            co_await s.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
            open = false;
            break;
          case Behaviour::truncated:
            co_await s.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
            open = false;
            break;
        }
      }
    } catch (const std::exception&) {
    }
    s.close();
    --self->active;
  }

  Behaviour behaviour;
  TcpListener listener;
  int accepted = 0;
  int active = 0;
};

// Lets the raw sessions see the client's close and finish before the loop goes away.
Task<void> settle(RawServer* raw) {
  co_await wait_until([raw] { return raw->active == 0; });
}

// --- URL parsing ---------------------------------------------------------------------------

TEST(HttpUrl, Parses) {
  auto u = HttpUrl::parse("http://auth:8082/authenticate?x=1");
  EXPECT_EQ(u.authority, "auth:8082");
  EXPECT_EQ(u.host, "auth");
  EXPECT_EQ(u.port, 8082);
  EXPECT_EQ(u.target, "/authenticate?x=1");

  u = HttpUrl::parse("HTTP://example.com");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(HttpUrl::parse("http://h?q=1").target, "/?q=1");
  EXPECT_EQ(HttpUrl::parse("http://h/p#frag").target, "/p");

  u = HttpUrl::parse("http://[::1]:9000/x");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.authority, "[::1]:9000");
  EXPECT_EQ(u.port, 9000);
}

TEST(HttpUrl, Refuses) {
  for (const char* bad :
       {"https://h/", "ftp://h/", "http://", "http://h:0/", "http://h:70000/", "http://h:x/",
        "http://u:p@h/", "http://h/a b", "h:80/x", "http://[::1/"}) {
    EXPECT_THROW(HttpUrl::parse(bad), std::invalid_argument) << bad;
  }
  Client client;
  EXPECT_THROW((void)client.get("https://example.com/"), std::invalid_argument);
}

// --- pooling -------------------------------------------------------------------------------

CORO_TEST(HttpClient, SequentialRequestsReuseOneConnection) {
  auto server = start_server(testing::local_options(), routes());
  {
    Client client;
    for (int i = 0; i < 10; ++i) {
      Response r = co_await client.get(url_of(*server, "/hello"));
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, "hello");
    }
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_EQ(client.idle_connections(), 1u);
    EXPECT_EQ(server->connections(), 1u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, ConcurrentRequestsOpenSeveralConnectionsThenReuseThem) {
  auto server = start_server(testing::local_options(), routes());
  {
    Client client;
    auto first = co_await fetch_all(&client, url_of(*server, "/slow"), 5);
    EXPECT_EQ(first, std::vector<int>(5, 200));
    EXPECT_EQ(client.connections_opened(), 5u);
    EXPECT_EQ(client.idle_connections(), 5u);
    auto second = co_await fetch_all(&client, url_of(*server, "/slow"), 5);
    EXPECT_EQ(second, std::vector<int>(5, 200));
    EXPECT_EQ(client.connections_opened(), 5u);  // all five came from the pool
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, RequestsBeyondTheCapWaitForAFreeConnection) {
  auto server = start_server(testing::local_options(), routes());
  {
    ClientOptions o;
    o.max_connections_per_host = 2;
    Client client(o);
    auto statuses = co_await fetch_all(&client, url_of(*server, "/slow"), 6);
    EXPECT_EQ(statuses, std::vector<int>(6, 200));
    EXPECT_EQ(client.connections_opened(), 2u);  // the other four waited for one of them
    EXPECT_EQ(client.idle_connections(), 2u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, WaitingForAConnectionCountsAgainstTheDeadline) {
  auto server = start_server(testing::local_options(), routes());
  {
    ClientOptions o;
    o.max_connections_per_host = 1;
    Client client(o);
    std::vector<int> statuses;
    spawn(fetch(&client, url_of(*server, "/slow"), &statuses));
    // /slow holds the only connection for 100 ms: had the wait for it not counted, /hello would
    // have been answered after it. The timers of one loop fire in order, so this is no race.
    Failure f = co_await failure_of(client.get(url_of(*server, "/hello"), {}, 30ms));
    EXPECT_EQ(f.type, "TimeoutError") << f.what;
    co_await wait_until([&] { return !statuses.empty(); });
    EXPECT_EQ(statuses, std::vector<int>{200});
    // The timed-out waiter left the queue: the slot still works.
    Response r = co_await client.get(url_of(*server, "/hello"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(client.connections_opened(), 1u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, KeepsAtMostMaxIdlePerHost) {
  auto server = start_server(testing::local_options(), routes());
  {
    ClientOptions o;
    o.max_idle_per_host = 2;
    Client client(o);
    auto statuses = co_await fetch_all(&client, url_of(*server, "/slow"), 4);
    EXPECT_EQ(statuses, std::vector<int>(4, 200));
    EXPECT_EQ(client.connections_opened(), 4u);
    EXPECT_EQ(client.idle_connections(), 2u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, IdleConnectionsOlderThanIdleTimeoutAreClosed) {
  auto server = start_server(testing::local_options(), routes());
  {
    ClientOptions o;
    o.idle_timeout = 40ms;
    Client client(o);
    (void)co_await client.get(url_of(*server, "/hello"));
    EXPECT_EQ(client.idle_connections(), 1u);
    co_await sleep(150ms);
    EXPECT_EQ(client.idle_connections(), 0u);  // swept
    Response r = co_await client.get(url_of(*server, "/hello"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(client.connections_opened(), 2u);
  }
  co_await stop_server(server.get());
}

// --- framing -------------------------------------------------------------------------------

CORO_TEST(HttpClient, ChunkedAndHeadResponsesKeepTheConnection) {
  auto server = start_server(testing::local_options(), routes());
  {
    Client client;
    Response r = co_await client.get(url_of(*server, "/chunked"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello, world");
    // HEAD: the Content-Length describes a body that never comes; the connection stays usable.
    r = co_await client.request("HEAD", url_of(*server, "/hello"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(header(r, "Content-Length") ? *header(r, "Content-Length") : "", "5");
    r = co_await client.get(url_of(*server, "/hello"));
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(client.connections_opened(), 1u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, PostSendsBodyHeadersAndHost) {
  auto server = start_server(testing::local_options(), routes());
  {
    Client client;
    Response r = co_await client.post(url_of(*server, "/echo?k=v"), "payload", {{"X-Probe", "42"}});
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "POST /echo?k=v payload");
    EXPECT_EQ(header(r, "X-Probe-Echo") ? *header(r, "X-Probe-Echo") : "", "42");
    EXPECT_EQ(header(r, "X-Host-Echo") ? *header(r, "X-Host-Echo") : "",
              "127.0.0.1:" + std::to_string(server->port()));
    // A pre-parsed URL, for callers that skip the parse on the hot path.
    HttpUrl u = HttpUrl::parse(url_of(*server, "/echo"));
    r = co_await client.request("POST", u, {}, "again");
    EXPECT_EQ(r.body, "POST /echo again");
    EXPECT_EQ(client.connections_opened(), 1u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, ConnectionCloseResponseIsNotReused) {
  auto server = start_server(testing::local_options(), routes());
  {
    Client client;
    Response r = co_await client.get(url_of(*server, "/hello"), {{"Connection", "close"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header(r, "Connection") ? *header(r, "Connection") : "", "close");
    EXPECT_EQ(client.idle_connections(), 0u);
    r = co_await client.get(url_of(*server, "/hello"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(client.connections_opened(), 2u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, Http10AndReadUntilCloseResponsesAreNotPooled) {
  {
    RawServer raw(Behaviour::http10);
    {
      Client client;
      Response r = co_await client.get(raw.url());
      EXPECT_EQ(r.body, "ok");
      EXPECT_EQ(client.idle_connections(), 0u);  // HTTP/1.0 without keep-alive closes
    }
    co_await settle(&raw);
  }
  {
    RawServer raw(Behaviour::until_close);
    {
      Client client;
      Response r = co_await client.get(raw.url());
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, "all of it");
      EXPECT_EQ(client.idle_connections(), 0u);
    }
    co_await settle(&raw);
  }
}

// --- stale connections ---------------------------------------------------------------------

CORO_TEST(HttpClient, ServerClosedIdleConnectionIsReplacedTransparently) {
  ServerOptions so = testing::local_options();
  so.idle_timeout = 50ms;
  auto server = start_server(so, routes());
  {
    Client client;
    Response r = co_await client.get(url_of(*server, "/hello"));
    EXPECT_EQ(r.status, 200);
    co_await sleep(200ms);  // the server closed the pooled connection meanwhile
    r = co_await client.get(url_of(*server, "/hello"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(client.connections_opened(), 2u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, ReusedConnectionFailingBeforeAnyResponseByteIsRetriedOnce) {
  RawServer raw(Behaviour::answer_then_close_second);
  {
    Client client;
    Response r = co_await client.get(raw.url());
    EXPECT_EQ(r.body, "ok");
    // The server closes this one as the second request arrives (the idle-close race):
    // retried once on a fresh connection.
    r = co_await client.get(raw.url());
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(client.connections_opened(), 2u);
    EXPECT_EQ(raw.accepted, 2);
  }
  co_await settle(&raw);
}

CORO_TEST(HttpClient, FreshConnectionClosedWithoutResponseIsNetError) {
  RawServer raw(Behaviour::close_without_answer);
  {
    Client client;
    Failure f = co_await failure_of(client.get(raw.url()));
    EXPECT_EQ(f.type, "NetError") << f.what;
    EXPECT_EQ(raw.accepted, 1);  // a fresh connection's failure is the answer
  }
  co_await settle(&raw);
}

// --- errors --------------------------------------------------------------------------------

CORO_TEST(HttpClient, ConnectionRefusedAndUnknownHostAreNetErrors) {
  int port = 0;
  {
    TcpListener probe;  // a port that was free a moment ago and has no listener now
    probe.listen("127.0.0.1", 0, false, [](TcpStream) {});
    port = probe.port();
  }
  Client client;
  Failure f = co_await failure_of(client.get("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_EQ(f.type, "NetError") << f.what;
  f = co_await failure_of(client.get("http://no-such-host.invalid/"));
  EXPECT_EQ(f.type, "NetError") << f.what;
}

CORO_TEST(HttpClient, ServerThatNeverAnswersTimesOutWithinTheDeadline) {
  RawServer raw(Behaviour::never_answer);
  {
    Client client;
    auto started = std::chrono::steady_clock::now();
    Failure f = co_await failure_of(client.get(raw.url(), {}, 100ms));
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(f.type, "TimeoutError") << f.what;
    // No lower bound: the deadline runs from the loop's cached clock, which can lag the
    // steady clock read above by however long this turn of the loop has taken so far.
    EXPECT_LT(took, 2s);  // generous: the server would never answer
    EXPECT_EQ(client.idle_connections(), 0u);  // a timed-out connection is closed, not pooled
  }
  co_await settle(&raw);
}

Task<void> malformed() {
  {
    RawServer raw(Behaviour::malformed);
    {
      Client client;
      Failure f = co_await failure_of(client.get(raw.url()));
      EXPECT_EQ(f.type, "ProtocolError") << f.what;
      EXPECT_EQ(f.status, 502);
      EXPECT_EQ(client.idle_connections(), 0u);
    }
    co_await settle(&raw);
  }
  {
    RawServer raw(Behaviour::truncated);
    {
      Client client;
      Failure f = co_await failure_of(client.get(raw.url()));
      EXPECT_EQ(f.type, "ProtocolError") << f.what;
      EXPECT_EQ(f.status, 502);
    }
    co_await settle(&raw);
  }
}

TEST(HttpClient, MalformedOrTruncatedResponseIsProtocolError) { run_sync(malformed()); }

CORO_TEST(HttpClient, ResponseOverTheBodyLimitIsProtocolError) {
  auto server = start_server(testing::local_options(), routes());
  {
    Client client;
    Failure f = co_await failure_of(client.get(url_of(*server, "/big")));
    EXPECT_EQ(f.type, "ProtocolError") << f.what;
    EXPECT_EQ(f.status, 413);
    EXPECT_EQ(client.idle_connections(), 0u);

    ClientOptions o;
    o.limits.max_body = 2 * 1024 * 1024;
    Client roomy(o);
    Response r = co_await roomy.get(url_of(*server, "/big"));
    EXPECT_EQ(r.body.size(), 1024u * 1024u + 1u);
  }
  co_await stop_server(server.get());
}

CORO_TEST(HttpClient, EarlyAnswerIsReadEvenWhenTheWriteFails) {
  auto server = start_server(testing::local_options(), routes());
  {
    // The server refuses the body from its headers and closes; the client, still writing (more
    // than the server drains before it closes), fails its write but reads the answer.
    Client client;
    Response r = co_await client.post(url_of(*server, "/echo"), std::string(16 * 1024 * 1024, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(client.idle_connections(), 0u);
  }
  co_await stop_server(server.get());
}

}  // namespace
}  // namespace core::http
