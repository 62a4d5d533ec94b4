#include "core/smtp/client.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/net/tcp_listener.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/timer.hpp"
#include "core/smtp/multi.hpp"
#include "tests/core/smtp/mailpit.hpp"
#include "wire/mail/message.hpp"

namespace {

using core::Task;
using core::smtp::Client;
using core::smtp::Envelope;
using core::smtp::SmtpOptions;
using Clock = std::chrono::steady_clock;

std::string unique_token() {
  static std::mt19937_64 rng(std::random_device{}());
  return fmt::format("t{:016x}", rng());
}

// Every thread that ever ran libcurl code for the driver is an SMTP thread: never the
// calling (worker) thread, which drives the tests' loops.
void expect_curl_only_off_this_thread() {
  auto threads = core::smtp::detail::curl_threads();
  EXPECT_FALSE(threads.empty());
  EXPECT_EQ(std::count(threads.begin(), threads.end(), std::this_thread::get_id()), 0)
      << "libcurl ran on the worker's thread";
}

struct Plain {
  std::string host, api;
  int port = 0;
};

std::optional<Plain> plain_server() {
  auto host = mailpit::env("MAIL_HOST"), port = mailpit::env("MAIL_PORT"),
       api = mailpit::env("MAILPIT_API");
  if (!host || !port || !api) return std::nullopt;
  return Plain{*host, *api, std::stoi(*port)};
}

#define REQUIRE_MAILPIT(var)                                                          \
  auto var = plain_server();                                                          \
  if (!var) GTEST_SKIP() << "MAIL_HOST/MAIL_PORT/MAILPIT_API unset (scripts/servers)"

SmtpOptions plain_options(const Plain& p) {
  SmtpOptions o;
  o.host = p.host;
  o.port = p.port;
  o.helo_domain = "example.com";
  return o;
}

wire::mail::Message sample_message(const std::string& token) {
  wire::mail::Message m;
  m.from = {"sender@example.com", "Mail Service"};
  m.to = {{"alice@example.org", "Alice"}, {"bob@example.org", ""}};
  m.reply_to = wire::mail::Mailbox{"replies@example.net", "Replies"};
  m.subject = "Hello " + token;
  m.date = wire::mail::format_date(1700000000);
  m.message_id = wire::mail::make_message_id(token, "example.com").value();
  m.text = "Hi Alice,\n.\nA lone dot above; a long line follows:\n" + std::string(300, 'x') +
           "\nGr\xc3\xbc\xc3\x9f" "e\n";
  m.html = "<p>Hi <b>Alice</b>,</p>\n<p>" + std::string(200, 'y') + "</p>";
  return m;
}

Envelope envelope_of(const wire::mail::Message& m, std::vector<std::string> extra = {}) {
  Envelope e;
  e.mail_from = m.from.address;
  for (const auto& box : m.to) e.recipients.push_back(box.address);
  for (auto& r : extra) e.recipients.push_back(std::move(r));
  auto composed = wire::mail::compose(m);
  EXPECT_TRUE(composed.ok()) << composed.error().message;
  e.message = composed.value();
  return e;
}

Task<std::size_t> send_all(SmtpOptions options, std::vector<Envelope> envelopes) {
  Client client(std::move(options));
  for (auto& e : envelopes) co_await client.send(std::move(e));
  expect_curl_only_off_this_thread();
  co_return client.connections_opened();
}

wire::json::Value fetch_one(const std::string& api, const std::string& token) {
  auto found = mailpit::search(api, "message-id:" + token + "@example.com");
  EXPECT_EQ(found.get("messages_count").as_int(), 1) << found.dump();
  auto id = found.get("messages").at(0).get("ID");
  return mailpit::message(api, mailpit::str(id));
}

TEST(SmtpClient, DeliversBothPartsAndHeaders) {
  REQUIRE_MAILPIT(server);
  std::string token = unique_token();
  wire::mail::Message m = sample_message(token);
  core::run_sync(send_all(plain_options(*server), {envelope_of(m, {"hidden@example.org"})}));

  auto msg = fetch_one(server->api, token);
  ASSERT_TRUE(msg.is_object()) << "message not found in Mailpit";
  EXPECT_EQ(mailpit::str(msg.get("Subject")), "Hello " + token);
  EXPECT_EQ(mailpit::str(msg.get("From").get("Name")), "Mail Service");
  EXPECT_EQ(mailpit::str(msg.get("From").get("Address")), "sender@example.com");
  ASSERT_EQ(msg.get("To").size(), 2u);
  EXPECT_EQ(mailpit::str(msg.get("To").at(0).get("Name")), "Alice");
  EXPECT_EQ(mailpit::str(msg.get("To").at(0).get("Address")), "alice@example.org");
  EXPECT_EQ(mailpit::str(msg.get("To").at(1).get("Address")), "bob@example.org");
  ASSERT_EQ(msg.get("ReplyTo").size(), 1u);
  EXPECT_EQ(mailpit::str(msg.get("ReplyTo").at(0).get("Address")), "replies@example.net");
  EXPECT_EQ(mailpit::str(msg.get("ReplyTo").at(0).get("Name")), "Replies");
  // The envelope recipient missing from the headers shows up as Bcc.
  ASSERT_EQ(msg.get("Bcc").size(), 1u) << msg.get("Bcc").dump();
  EXPECT_EQ(mailpit::str(msg.get("Bcc").at(0).get("Address")), "hidden@example.org");
  // Both parts, decoded; the lone dot survived libcurl's dot-stuffing and Mailpit's unstuffing.
  std::string text = mailpit::str(msg.get("Text"));
  EXPECT_NE(text.find("Hi Alice,\r\n.\r\nA lone dot above"), std::string::npos) << text;
  EXPECT_NE(text.find(std::string(300, 'x')), std::string::npos);
  EXPECT_NE(text.find("Gr\xc3\xbc\xc3\x9f" "e"), std::string::npos);
  std::string html = mailpit::str(msg.get("HTML"));
  EXPECT_NE(html.find("<p>Hi <b>Alice</b>,</p>"), std::string::npos) << html;
  EXPECT_NE(html.find(std::string(200, 'y')), std::string::npos);
}

TEST(SmtpClient, NonAsciiSubjectAndNameAreDecoded) {
  REQUIRE_MAILPIT(server);
  std::string token = unique_token();
  wire::mail::Message m = sample_message(token);
  m.subject = "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln \xe2\x9c\x93 " + token + " " +
              std::string(20, 'z') + " \xe2\x82\xac\xe2\x82\xac\xe2\x82\xac";
  m.from.name = "J\xc3\xbcrgen M\xc3\xbcller";
  core::run_sync(send_all(plain_options(*server), {envelope_of(m)}));
  auto msg = fetch_one(server->api, token);
  EXPECT_EQ(mailpit::str(msg.get("Subject")), m.subject);
  EXPECT_EQ(mailpit::str(msg.get("From").get("Name")), m.from.name);
}

TEST(SmtpClient, ReusesTheConnection) {
  REQUIRE_MAILPIT(server);
  std::vector<Envelope> envelopes;
  std::string tag = unique_token();
  for (int i = 0; i < 5; ++i) envelopes.push_back(envelope_of(sample_message(tag + "-" + std::to_string(i))));
  std::size_t connects = core::run_sync(send_all(plain_options(*server), std::move(envelopes)));
  EXPECT_EQ(connects, 1u);
  auto found = mailpit::search(server->api, "subject:\"Hello " + tag + "-\"", 5);
  EXPECT_EQ(found.get("messages_count").as_int(), 5);
}

// --- many at once -----------------------------------------------------------------------

struct Batch {
  Client* client;
  std::size_t remaining = 0;
  std::size_t failures = 0;
  std::string first_error;
};

Task<void> send_counted(Batch* batch, Envelope e) {
  try {
    co_await batch->client->send(std::move(e));
  } catch (const std::exception& ex) {
    if (batch->failures++ == 0) batch->first_error = ex.what();
  }
  --batch->remaining;
}

Task<void> send_concurrently(SmtpOptions options, std::vector<Envelope> envelopes,
                             std::size_t* connects, std::string* error) {
  Client client(std::move(options));
  Batch batch{&client, envelopes.size(), 0, {}};
  for (auto& e : envelopes) core::spawn(send_counted(&batch, std::move(e)));
  while (batch.remaining > 0) co_await core::sleep(core::Duration(5));
  *connects = client.connections_opened();
  *error = batch.first_error;
  EXPECT_EQ(batch.failures, 0u) << batch.first_error;
}

// A worker loop with 32 sends in flight keeps running its own work (a 1 ms ticker), and none
// of libcurl's callbacks runs on its thread.
struct Ticker {
  std::size_t ticks = 0;
  core::CancelToken stop;
};

Task<void> tick(Ticker* t) {
  for (;;) {
    co_await core::sleep(core::Duration(1));
    ++t->ticks;
  }
}

Task<void> send_while_ticking(SmtpOptions options, std::vector<Envelope> envelopes,
                              std::size_t* ticks_while_in_flight) {
  Client client(std::move(options));
  Batch batch{&client, envelopes.size(), 0, {}};
  Ticker ticker;
  core::spawn(tick(&ticker), &ticker.stop, "ticker");
  for (auto& e : envelopes) core::spawn(send_counted(&batch, std::move(e)));
  while (batch.remaining > 0) co_await core::sleep(core::Duration(1));
  *ticks_while_in_flight = ticker.ticks;
  ticker.stop.cancel();
  EXPECT_EQ(batch.failures, 0u) << batch.first_error;
  EXPECT_EQ(client.sent(), envelopes.size());
  expect_curl_only_off_this_thread();
}

TEST(SmtpClient, ThirtyTwoInFlightNeverRunCurlOnTheWorker) {
  REQUIRE_MAILPIT(server);
  std::string tag = unique_token();
  std::vector<Envelope> envelopes;
  for (int i = 0; i < 32; ++i) {
    envelopes.push_back(envelope_of(sample_message(tag + "-" + std::to_string(i))));
  }
  std::size_t ticks = 0;
  core::run_sync(send_while_ticking(plain_options(*server), std::move(envelopes), &ticks));
  EXPECT_GT(ticks, 0u);  // the worker's own timers ran while the 32 sends were in flight
  auto found = mailpit::search(server->api, "subject:\"Hello " + tag + "-\"", 32);
  EXPECT_EQ(found.get("messages_count").as_int(), 32);
}

TEST(SmtpClient, HundredConcurrentSendsAllArrive) {
  REQUIRE_MAILPIT(server);
  std::string tag = unique_token();
  std::vector<Envelope> envelopes;
  for (int i = 0; i < 100; ++i) {
    envelopes.push_back(envelope_of(sample_message(tag + "-" + std::to_string(i))));
  }
  SmtpOptions options = plain_options(*server);
  std::size_t connects = 0;
  std::string error;
  core::run_sync(send_concurrently(options, std::move(envelopes), &connects, &error));
  EXPECT_LE(connects, options.max_connections);
  auto found = mailpit::search(server->api, "subject:\"Hello " + tag + "-\"", 100);
  EXPECT_EQ(found.get("messages_count").as_int(), 100);
}

// --- STARTTLS with AUTH -----------------------------------------------------------------

struct Tls {
  SmtpOptions options;
  std::string api;
};

std::optional<Tls> tls_server() {
  auto host = mailpit::env("MAIL_HOST"), port = mailpit::env("MAIL_TLS_PORT"),
       api = mailpit::env("MAILPIT_TLS_API"), ca = mailpit::env("MAIL_TLS_CA"),
       user = mailpit::env("MAIL_TLS_USERNAME"), pass = mailpit::env("MAIL_TLS_PASSWORD");
  if (!host || !port || !api || !ca || !user || !pass) return std::nullopt;
  Tls t;
  t.options.host = *host;
  t.options.port = std::stoi(*port);
  t.options.encryption = core::smtp::Encryption::starttls;
  t.options.ca_file = *ca;
  t.options.username = *user;
  t.options.password = *pass;
  t.api = *api;
  return t;
}

#define REQUIRE_MAILPIT_TLS(var) \
  auto var = tls_server();       \
  if (!var) GTEST_SKIP() << "MAIL_TLS_* unset (scripts/servers)"

TEST(SmtpClient, StartTlsWithAuth) {
  REQUIRE_MAILPIT_TLS(server);
  std::string token = unique_token();
  std::vector<Envelope> envelopes;
  envelopes.push_back(envelope_of(sample_message(token)));
  envelopes.push_back(envelope_of(sample_message(token + "b")));
  std::size_t connects = core::run_sync(send_all(server->options, std::move(envelopes)));
  EXPECT_EQ(connects, 1u);
  auto msg = fetch_one(server->api, token);
  EXPECT_EQ(mailpit::str(msg.get("Subject")), "Hello " + token);
  EXPECT_NE(mailpit::str(msg.get("HTML")).find("<b>Alice</b>"), std::string::npos);
}

core::smtp::Error expect_smtp_error(SmtpOptions options) {
  try {
    core::run_sync(send_all(std::move(options), {envelope_of(sample_message(unique_token()))}));
  } catch (const core::smtp::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no smtp::Error";
  return core::smtp::Error(0, 0, "");
}

TEST(SmtpClient, TlsServerRefusals) {
  REQUIRE_MAILPIT_TLS(server);
  SmtpOptions o = server->options;
  o.password = "wrong";
  auto e = expect_smtp_error(o);
  EXPECT_EQ(e.curl_code, CURLE_LOGIN_DENIED) << e.what();
  EXPECT_EQ(e.smtp_code, 535) << e.what();

  o = server->options;
  o.ca_file.reset();  // the self-signed certificate is not in the system store
  e = expect_smtp_error(o);
  EXPECT_EQ(e.curl_code, CURLE_PEER_FAILED_VERIFICATION) << e.what();

  o = server->options;
  o.encryption = core::smtp::Encryption::none;
  o.username.clear();  // plain, no AUTH: the server wants STARTTLS first
  e = expect_smtp_error(o);
  EXPECT_TRUE(e.permanent()) << e.what();
}

// --- failures ---------------------------------------------------------------------------

int closed_port() {
  return core::run_sync([]() -> Task<int> {
    core::TcpListener probe;
    probe.listen("127.0.0.1", 0, false, [](core::TcpStream) {});
    int port = probe.port();
    probe.close();
    co_return port;
  }());
}

TEST(SmtpClient, DeadPortFailsFast) {
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = closed_port();
  auto start = Clock::now();
  auto e = expect_smtp_error(o);
  EXPECT_EQ(e.curl_code, CURLE_COULDNT_CONNECT) << e.what();
  EXPECT_EQ(e.smtp_code, 0);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));  // refused, not waited out
}

// A server that accepts and never says a word: the client waits for the greeting.
Task<void> silent_server_send(core::Duration deadline, SmtpOptions o, bool use_with_timeout) {
  core::TcpListener listener;
  std::vector<core::TcpStream> held;
  listener.listen("127.0.0.1", 0, false, [&held](core::TcpStream s) { held.push_back(std::move(s)); });
  o.host = "127.0.0.1";
  o.port = listener.port();
  Client client(o);
  Envelope e = envelope_of(sample_message(unique_token()));
  if (use_with_timeout) co_await core::with_timeout(client.send(std::move(e)), deadline);
  else co_await client.send(std::move(e));
}

TEST(SmtpClient, WithTimeoutGivesTimeoutErrorAtOnce) {
  auto start = Clock::now();
  EXPECT_THROW(core::run_sync(silent_server_send(core::Duration(200), SmtpOptions{}, true)),
               core::TimeoutError);
  auto took = Clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::seconds(2));  // generous: the server never answers
}

TEST(SmtpClient, OptionsTimeoutGivesTimeoutError) {
  SmtpOptions o;
  o.timeout = std::chrono::milliseconds(300);
  auto start = Clock::now();
  EXPECT_THROW(core::run_sync(silent_server_send(core::Duration(0), o, false)), core::TimeoutError);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));  // generous: the server never answers
}

// A relay on its own thread that takes the whole transaction and never answers the end of
// DATA. libcurl waits for that reply with a blocking poll (curl issue #8555): it holds the SMTP
// thread (not the worker's loop), bounded by SmtpOptions::timeout, ends in TimeoutError, is
// reported by longest_stall(), and leaves no connection behind that owes a reply (no QUIT
// wait either: destroying the Client, which joins the SMTP thread, does not hang).
class SilentAfterDataRelay {
 public:
  SilentAfterDataRelay() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 1);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SilentAfterDataRelay() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }

 private:
  void serve() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    auto say = [c](const char* line) { (void)!::write(c, line, std::strlen(line)); };
    say("220 silent ESMTP\r\n");
    std::string in;
    bool data = false;
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      if (data) continue;  // swallow the message and the final dot, answer nothing
      std::size_t eol;
      while (!data && (eol = in.find("\r\n")) != std::string::npos) {
        std::string cmd = in.substr(0, 4);
        in.erase(0, eol + 2);
        if (cmd == "EHLO" || cmd == "HELO") say("250 silent\r\n");
        else if (cmd == "DATA") {
          say("354 go ahead\r\n");
          data = true;
        } else say("250 ok\r\n");
      }
    }
    ::close(c);
  }
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

Task<void> send_to_port(int port, SmtpOptions o, std::chrono::microseconds* stall) {
  o.host = "127.0.0.1";
  o.port = port;
  Client client(o);
  try {
    co_await client.send(envelope_of(sample_message(unique_token())));
  } catch (...) {
    *stall = client.longest_stall();
    throw;
  }
}

TEST(SmtpClient, RelaySilentAfterDataHoldsTheSmtpThreadAtMostTheTimeout) {
  SilentAfterDataRelay relay;
  SmtpOptions o;
  o.timeout = std::chrono::milliseconds(400);
  std::chrono::microseconds stall{0};
  auto start = Clock::now();
  EXPECT_THROW(core::run_sync(send_to_port(relay.port(), o, &stall)), core::TimeoutError);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));  // generous: the relay never answers
  EXPECT_GT(stall, std::chrono::milliseconds(300));            // the blocking wait, on the SMTP thread
  EXPECT_LT(stall, std::chrono::seconds(2));
}

// --- the worker loop is never held --------------------------------------------------------

// A fake relay on the worker's own loop (core::TcpListener): it answers the greeting, EHLO,
// MAIL, RCPT and DATA, takes the message and its final dot, and then never answers. libcurl
// waits for that answer with a blocking poll: were that on the worker's thread, this loop (and
// so this relay, the ticker and the test) would freeze until the send's deadline.
struct FakeRelay {
  core::TcpListener listener;
  core::CancelToken stop;  // hangs up on every connection
  std::size_t connections = 0;
  std::size_t serving = 0;
  bool got_end_of_data = false;
  bool peer_closed = false;  // the client closed its end (the SMTP thread dropped the transfer)
};

Task<void> serve_fake_relay(FakeRelay* relay, core::TcpStream s) {
  ++relay->serving;
  struct Done {
    FakeRelay* r;
    ~Done() { --r->serving; }
  } done{relay};
  const char* greeting = "220 fake ESMTP\r\n";
  co_await s.write(greeting);
  bool in_data = false;
  std::string pending;
  for (;;) {
    std::size_t n = co_await s.read_some();
    if (n == 0) {
      relay->peer_closed = true;
      co_return;
    }
    core::Buffer& in = s.input();
    pending.append(in.readable());
    in.consume(in.size());
    if (in_data) {
      if (pending.find("\r\n.\r\n") != std::string::npos) relay->got_end_of_data = true;
      continue;  // and never answer it
    }
    std::size_t eol;
    while (!in_data && (eol = pending.find("\r\n")) != std::string::npos) {
      std::string verb = pending.substr(0, 4);
      pending.erase(0, eol + 2);
      const char* reply = "250 ok\r\n";
      if (verb == "EHLO" || verb == "HELO") reply = "250 fake\r\n";
      if (verb == "DATA") {
        reply = "354 go ahead\r\n";
        in_data = true;
      }
      co_await s.write(reply);
    }
    if (in_data && pending.find("\r\n.\r\n") != std::string::npos) relay->got_end_of_data = true;
  }
}

void start_fake_relay(FakeRelay* relay) {
  relay->listener.listen("127.0.0.1", 0, false, [relay](core::TcpStream s) {
    ++relay->connections;
    core::spawn(serve_fake_relay(relay, std::move(s)), &relay->stop, "fake relay");
  });
}

struct Outcome {
  bool finished = false;
  bool cancelled = false;
  bool timed_out = false;
  bool pool_full = false;
  std::string error;
};

Task<void> send_recording(Client* client, Envelope e, Outcome* out) {
  try {
    co_await client->send(std::move(e));
  } catch (const core::Cancelled&) {
    out->cancelled = true;
  } catch (const core::TimeoutError&) {
    out->timed_out = true;
  } catch (const core::PoolFull&) {
    out->pool_full = true;
  } catch (const std::exception& ex) {
    out->error = ex.what();
  }
  out->finished = true;
}

// Waits on the loop for a condition, at most `turns` 1 ms sleeps (a bound for a failing test,
// not a timing assertion).
template <class F>
Task<bool> eventually(F condition, int turns = 10000) {
  for (int i = 0; i < turns && !condition(); ++i) co_await core::sleep(core::Duration(1));
  co_return condition();
}

Task<void> worker_keeps_running_while_curl_waits() {
  FakeRelay relay;
  start_fake_relay(&relay);
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = relay.listener.port();
  o.timeout = std::chrono::seconds(10);
  Client client(o);
  Ticker ticker;
  core::spawn(tick(&ticker), &ticker.stop, "ticker");

  // A: takes the whole transaction; the relay never answers its final dot.
  Outcome a;
  core::CancelToken cancel_a;
  core::spawn(send_recording(&client, envelope_of(sample_message(unique_token())), &a), &cancel_a);
  bool at_end_of_data = co_await eventually([&] { return relay.got_end_of_data; });
  EXPECT_TRUE(at_end_of_data);
  if (at_end_of_data) {
    // libcurl now sits in its blocking wait for the reply, on the SMTP thread. This loop goes
    // on: its ticker, and the relay that lives on it, keep running while the send is pending.
    std::size_t ticks = ticker.ticks;
    EXPECT_TRUE(co_await eventually([&] { return ticker.ticks >= ticks + 20; }));
    EXPECT_FALSE(a.finished);

    // B: queued behind A's blocking wait, it still ends at its own deadline, on this loop.
    SmtpOptions short_o = o;
    short_o.timeout = std::chrono::milliseconds(100);
    Client quick(short_o);
    Outcome b;
    co_await send_recording(&quick, envelope_of(sample_message(unique_token())), &b);
    EXPECT_TRUE(b.timed_out) << b.error;
    EXPECT_FALSE(a.finished);
    EXPECT_EQ(relay.connections, 1u);  // B never left the queue: the SMTP thread is held

    // Cancelling A resumes it at once, although the SMTP thread is still in libcurl's wait
    // (it has not dropped the connection yet).
    cancel_a.cancel();
    EXPECT_TRUE(co_await eventually([&] { return a.finished; }));
    EXPECT_TRUE(a.cancelled) << a.error;
    EXPECT_FALSE(relay.peer_closed);
  }

  // The relay hangs up: libcurl's wait ends, and the Clients can go (the last joins the thread).
  cancel_a.cancel();
  relay.stop.cancel();
  EXPECT_TRUE(co_await eventually([&] { return a.finished && relay.serving == 0; }));
  ticker.stop.cancel();
  EXPECT_GT(client.longest_stall(), core::Duration(0));
  expect_curl_only_off_this_thread();
}

TEST(SmtpClient, WorkerLoopRunsWhileCurlWaitsForTheDataReply) {
  core::run_sync(worker_keeps_running_while_curl_waits());
}

// The queue to the SMTP thread is bounded: one send more than queue_capacity gets PoolFull
// at once (the HTTP layer answers 503).
Task<void> full_queue() {
  core::TcpListener silent;  // accepts, never says a word: sends wait for the greeting
  std::vector<core::TcpStream> held;
  silent.listen("127.0.0.1", 0, false,
                [&held](core::TcpStream s) { held.push_back(std::move(s)); });
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = silent.port();
  o.queue_capacity = 2;
  Client client(o);
  Outcome first, second, third;
  core::CancelToken cancel;
  core::spawn(send_recording(&client, envelope_of(sample_message(unique_token())), &first),
              &cancel);
  core::spawn(send_recording(&client, envelope_of(sample_message(unique_token())), &second),
              &cancel);
  co_await send_recording(&client, envelope_of(sample_message(unique_token())), &third);
  EXPECT_TRUE(third.pool_full) << third.error;
  EXPECT_FALSE(first.finished);
  EXPECT_FALSE(second.finished);
  cancel.cancel();
  EXPECT_TRUE(co_await eventually([&] { return first.finished && second.finished; }));
  EXPECT_TRUE(first.cancelled && second.cancelled);
}

TEST(SmtpClient, FullQueueGivesPoolFull) { core::run_sync(full_queue()); }

TEST(SmtpClient, InvalidPathsAreRefusedBeforeSending) {
  SmtpOptions o;
  o.port = closed_port();
  Envelope e;
  e.mail_from = "a@example.com\r\nRCPT TO:<x@example.com>";
  e.recipients = {"b@example.com"};
  EXPECT_THROW(core::run_sync(send_all(o, {e})), std::invalid_argument);
  e.mail_from = "a@example.com";
  e.recipients = {"<b@example.com>"};
  EXPECT_THROW(core::run_sync(send_all(o, {e})), std::invalid_argument);
  e.recipients.clear();
  EXPECT_THROW(core::run_sync(send_all(o, {e})), std::invalid_argument);
}

// --- throughput (run by hand: --gtest_also_run_disabled_tests --gtest_filter='*Throughput*') --

Task<void> send_sequence(Batch* batch, std::vector<Envelope> envelopes) {
  for (auto& e : envelopes) {
    try {
      co_await batch->client->send(std::move(e));
    } catch (const std::exception& ex) {
      if (batch->failures++ == 0) batch->first_error = ex.what();
    }
  }
  --batch->remaining;
}

struct GapMeter {
  Clock::duration longest{};
  core::CancelToken stop;
};

// The longest time between two turns of a 1 ms timer on the worker's loop.
Task<void> meter_gaps(GapMeter* m) {
  auto last = Clock::now();
  for (;;) {
    co_await core::sleep(core::Duration(1));
    auto now = Clock::now();
    m->longest = std::max(m->longest, now - last);
    last = now;
  }
}

Task<void> measure(SmtpOptions options, std::size_t total, std::size_t concurrency,
                   std::string tag) {
  std::vector<std::vector<Envelope>> lanes(concurrency);
  for (std::size_t i = 0; i < total; ++i) {
    lanes[i % concurrency].push_back(
        envelope_of(sample_message(tag + "-" + std::to_string(i))));
  }
  Client client(options);
  Batch batch{&client, concurrency, 0, {}};
  GapMeter gaps;
  core::spawn(meter_gaps(&gaps), &gaps.stop, "gap meter");
  auto start = Clock::now();
  for (auto& lane : lanes) core::spawn(send_sequence(&batch, std::move(lane)));
  while (batch.remaining > 0) co_await core::sleep(core::Duration(1));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  gaps.stop.cancel();
  std::printf(
      "SMTP throughput: %zu mails, concurrency %zu, max_connections %zu: %.0f mails/s, "
      "%zu connects, longest SMTP-thread stall %.2f ms, longest worker-loop gap between "
      "1 ms ticks %.2f ms, %zu failures\n",
      total, concurrency, options.max_connections, total / seconds, client.connections_opened(),
      client.longest_stall().count() / 1000.0,
      std::chrono::duration<double, std::milli>(gaps.longest).count(), batch.failures);
  expect_curl_only_off_this_thread();
  EXPECT_EQ(batch.failures, 0u) << batch.first_error;
}

TEST(SmtpClient, DISABLED_Throughput) {
  REQUIRE_MAILPIT(server);
  std::size_t total = 1000;
  if (auto n = mailpit::env("SMTP_BENCH_MAILS")) total = std::stoul(*n);
  SmtpOptions o = plain_options(*server);
  core::run_sync(measure(o, total, 1, unique_token()));
  core::run_sync(measure(o, total, 32, unique_token()));
  o.max_connections = 32;
  core::run_sync(measure(o, total, 32, unique_token()));
}

TEST(SmtpOptions, ParseEncryption) {
  using core::smtp::Encryption;
  EXPECT_EQ(core::smtp::parse_encryption(""), Encryption::none);
  EXPECT_EQ(core::smtp::parse_encryption("none"), Encryption::none);
  EXPECT_EQ(core::smtp::parse_encryption("starttls"), Encryption::starttls);
  EXPECT_EQ(core::smtp::parse_encryption("tls"), Encryption::tls);
  EXPECT_EQ(core::smtp::parse_encryption("ssl"), Encryption::tls);
  EXPECT_FALSE(core::smtp::parse_encryption("STARTTLS2").has_value());
}

}  // namespace
