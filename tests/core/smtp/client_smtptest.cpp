#include "core/smtp/client.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netdb.h>
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
  // Both parts, decoded; the lone dot survived the client's dot-stuffing and Mailpit's unstuffing.
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

// A worker loop with 32 sends in flight keeps running its own work (a 1 ms ticker).
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
}

TEST(SmtpClient, ThirtyTwoInFlightKeepTheLoopTurning) {
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

// A name other than localhost that resolves to 127.0.0.1 (the machine's own name usually
// does, in /etc/hosts), or nothing.
std::optional<std::string> other_name_of_loopback() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || std::string(host) == "localhost") return std::nullopt;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host, nullptr, &hints, &found) != 0) return std::nullopt;
  bool loopback = found && reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr.s_addr ==
                               htonl(INADDR_LOOPBACK);
  ::freeaddrinfo(found);
  if (!loopback) return std::nullopt;
  return std::string(host);
}

core::smtp::Error expect_smtp_error(SmtpOptions options) {
  try {
    core::run_sync(send_all(std::move(options), {envelope_of(sample_message(unique_token()))}));
  } catch (const core::smtp::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no smtp::Error";
  return core::smtp::Error(core::smtp::Error::Kind::protocol, 0, "");
}

TEST(SmtpClient, TlsServerRefusals) {
  REQUIRE_MAILPIT_TLS(server);
  SmtpOptions o = server->options;
  o.password = "wrong";
  auto e = expect_smtp_error(o);
  EXPECT_EQ(e.kind, core::smtp::Error::Kind::auth) << e.what();
  EXPECT_EQ(e.reply_code, 535) << e.what();

  o = server->options;
  o.ca_file.reset();  // the self-signed certificate is not in the system store
  e = expect_smtp_error(o);
  EXPECT_EQ(e.kind, core::smtp::Error::Kind::tls) << e.what();
  EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();

  o = server->options;
  o.host = "localhost";  // the certificate names localhost and 127.0.0.1 ...
  EXPECT_NO_THROW(core::run_sync(send_all(o, {envelope_of(sample_message(unique_token()))})));
  if (auto other = other_name_of_loopback()) {  // ... and not this name of the same address
    o.host = *other;
    e = expect_smtp_error(o);
    EXPECT_EQ(e.kind, core::smtp::Error::Kind::tls) << e.what();
    EXPECT_NE(std::string(e.what()).find("hostname mismatch"), std::string::npos) << e.what();
  }

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
  EXPECT_EQ(e.kind, core::smtp::Error::Kind::connect) << e.what();
  EXPECT_EQ(e.reply_code, 0);
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
      "%zu connects, longest worker-loop gap between 1 ms ticks %.2f ms, %zu failures\n",
      total, concurrency, options.max_connections, total / seconds, client.connections_opened(),
      std::chrono::duration<double, std::milli>(gaps.longest).count(), batch.failures);
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
