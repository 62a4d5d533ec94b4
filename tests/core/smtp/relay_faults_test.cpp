// The SMTP client against a relay that misbehaves (tests/core/smtp/fake_relay.hpp), all on
// the test's one loop: a ticker on that loop keeps ticking while the client waits, deadlines
// fire, a lost message is reported (never silently dropped, never sent twice), a stale
// pooled session is replaced.
#include <gtest/gtest.h>

#include <string>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/timer.hpp"
#include "core/smtp/client.hpp"
#include "tests/core/smtp/fake_relay.hpp"
#include "tests/support/wait.hpp"

namespace {

using core::Task;
using core::smtp::Client;
using core::smtp::Envelope;
using core::smtp::Error;
using core::smtp::SmtpOptions;
using namespace std::chrono_literals;
using test_support::eventually;

Envelope mail(std::string subject = "hello") {
  return Envelope{"a@example.com", {"b@example.org"},
                  "Subject: " + subject + "\r\n\r\nbody\r\n.leading dot\r\n" + std::string(3000, 'x') + "\r\n"};
}

SmtpOptions options_for(const fake_relay::Relay& relay) {
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = relay.port();
  o.command_timeout = 300ms;
  o.timeout = 5s;
  return o;
}

struct Ticker {
  std::size_t ticks = 0;
  bool ended = false;
  core::CancelToken stop;
};

Task<void> tick(Ticker* t) {
  struct End {
    Ticker* t;
    ~End() { t->ended = true; }
  } end{t};
  for (;;) {
    co_await core::sleep(1ms);
    ++t->ticks;
  }
}

struct Outcome {
  bool ok = false, timed_out = false, pool_full = false, cancelled = false, finished = false;
  std::optional<Error> error;
  std::string other;
};

Task<void> send_recording(Client* client, Envelope e, Outcome* out) {
  try {
    co_await client->send(std::move(e));
    out->ok = true;
  } catch (const core::TimeoutError&) {
    out->timed_out = true;
  } catch (const core::PoolFull&) {
    out->pool_full = true;
  } catch (const core::Cancelled&) {
    out->cancelled = true;
  } catch (const Error& e) {
    out->error = e;
  } catch (const std::exception& e) {
    out->other = e.what();
  }
  out->finished = true;
}

// Runs `body` on a fresh loop with a 1 ms ticker beside it; returns the ticks counted while
// the body ran.
template <class Body>
std::size_t with_ticker(Body body) {
  return core::run_sync([](Body body) -> Task<std::size_t> {
    Ticker ticker;
    core::spawn(tick(&ticker), &ticker.stop, "ticker");
    co_await body();
    ticker.stop.cancel();
    for (int i = 0; i < 100 && !ticker.ended; ++i) co_await core::yield();
    co_return ticker.ticks;
  }(std::move(body)));
}

TEST(SmtpRelayFaults, PipelinedTransactionIsOneWriteAndSessionsAreReused) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.pipelining = true});
    Client client(options_for(relay));
    for (int i = 0; i < 3; ++i) co_await client.send(mail());
    EXPECT_EQ(relay->mails, 3);
    EXPECT_EQ(relay->connections, 1);
    EXPECT_EQ(client.connections_opened(), 1u);
    EXPECT_GE(relay->most_commands_at_once, 3u);  // MAIL, RCPT, DATA (and RSET) together
    EXPECT_EQ(relay->rsets, 2);                   // before the 2nd and the 3rd, in the same write
    co_await relay.close();
  });
}

// While one send waits for a reply that never comes, the same loop serves another relay and
// delivers another mail; then the wait ends at its deadline and the session is closed.
TEST(SmtpRelayFaults, HangAfterDataTimesOutWhileTheLoopServesOthers) {
  std::size_t ticks = with_ticker([]() -> Task<void> {
    fake_relay::Relay hanging({.hang_after_data = true});
    fake_relay::Relay healthy({});
    SmtpOptions o = options_for(hanging);
    o.command_timeout = 2s;
    Client stuck(o);
    Client fine(options_for(healthy));
    Outcome a;
    core::spawn(send_recording(&stuck, mail(), &a));
    EXPECT_TRUE(co_await eventually([&] { return hanging->messages_begun == 1; }));
    co_await fine.send(mail());
    EXPECT_EQ(healthy->mails, 1);
    EXPECT_FALSE(a.finished);  // still waiting for the reply to its final dot
    EXPECT_TRUE(co_await eventually([&] { return a.finished; }));
    EXPECT_TRUE(a.timed_out) << (a.error ? a.error->what() : a.other);
    // The session that still owes a reply is closed, never reused.
    EXPECT_TRUE(co_await eventually([&] { return hanging->peer_closes == 1; }));
    EXPECT_EQ(stuck.connections_open(), 0u);
    EXPECT_EQ(hanging->mails, 0);
    co_await hanging.close();
    co_await healthy.close();
  });
  EXPECT_GT(ticks, 0u);
}

TEST(SmtpRelayFaults, DropMidMessageIsReportedAndNotResent) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.drop_after = 1000});
    Client client(options_for(relay));
    Outcome out;
    co_await send_recording(&client, mail(), &out);
    if (!(out.error.has_value())) {
      ADD_FAILURE() << out.other;
      co_return;
    }
    EXPECT_EQ(out.error->kind, Error::Kind::closed) << out.error->what();
    EXPECT_TRUE(out.error->outcome_unknown);
    EXPECT_FALSE(out.error->permanent());
    EXPECT_EQ(relay->messages_begun, 1);  // not sent a second time on a new session
    EXPECT_EQ(relay->connections, 1);
    EXPECT_EQ(relay->mails, 0);
    co_await relay.close();
  });
}

TEST(SmtpRelayFaults, IdleSessionClosedWith421IsReplaced) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.close_idle_after_mail = true});
    Client client(options_for(relay));
    co_await client.send(mail());
    EXPECT_TRUE(co_await eventually([&] { return relay->serving == 0; }));
    co_await client.send(mail());  // the pooled session said 421 and closed meanwhile
    EXPECT_EQ(relay->mails, 2);
    EXPECT_EQ(relay->connections, 2);
    co_await relay.close();
  });
}

TEST(SmtpRelayFaults, Reply421ToMailFromOnAReusedSessionRetriesOnceOnANewOne) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.refuse_mail_of = 2});
    Client client(options_for(relay));
    co_await client.send(mail());
    co_await client.send(mail());  // 421 to its MAIL FROM: nothing of it went out
    EXPECT_EQ(relay->mails, 2);
    EXPECT_EQ(relay->connections, 2);
    EXPECT_EQ(relay->messages_begun, 2);
    co_await relay.close();
  });
}

TEST(SmtpRelayFaults, Reply421OnAFreshSessionIsAnError) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.refuse_mail_of = 1});
    Client client(options_for(relay));
    Outcome out;
    co_await send_recording(&client, mail(), &out);
    if (!(out.error.has_value())) {
      ADD_FAILURE() << out.other;
      co_return;
    }
    EXPECT_EQ(out.error->reply_code, 421);
    EXPECT_FALSE(out.error->permanent());
    EXPECT_EQ(relay->connections, 1);
    co_await relay.close();
  });
}

TEST(SmtpRelayFaults, SlowRepliesStillDeliverAndTooSlowOnesTimeOut) {
  std::size_t ticks = with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.pipelining = true, .delay = 30ms});
    SmtpOptions o = options_for(relay);
    Client client(o);
    co_await client.send(mail());
    EXPECT_EQ(relay->mails, 1);

    o.command_timeout = 10ms;  // shorter than the relay's 30 ms per reply
    Client impatient(o);
    Outcome out;
    co_await send_recording(&impatient, mail(), &out);
    EXPECT_TRUE(out.timed_out);
    co_await relay.close();
  });
  EXPECT_GT(ticks, 0u);
}

TEST(SmtpRelayFaults, RefusedRecipientIsPermanentWithTheRelaysTextAndTheSessionIsKept) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.rcpt_code = 550});
    Client client(options_for(relay));
    for (int i = 0; i < 2; ++i) {
      Outcome out;
      co_await send_recording(&client, mail(), &out);
      if (!(out.error.has_value())) {
      ADD_FAILURE() << out.other;
      co_return;
    }
      EXPECT_EQ(out.error->kind, Error::Kind::refused);
      EXPECT_TRUE(out.error->permanent());
      EXPECT_EQ(out.error->reply, "550 rcpt");
    }
    EXPECT_EQ(relay->messages_begun, 0);  // DATA never sent
    EXPECT_EQ(relay->connections, 1);     // the session stayed usable ...
    EXPECT_EQ(relay->rsets, 1);           // ... after an RSET
    co_await relay.close();
  });
}

TEST(SmtpRelayFaults, RefusedMessageAndOversizedOne) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.data_end_code = 554});
    SmtpOptions o = options_for(relay);
    Client client(o);
    Outcome out;
    co_await send_recording(&client, mail(), &out);
    if (!(out.error.has_value())) {
      ADD_FAILURE() << out.other;
      co_return;
    }
    EXPECT_EQ(out.error->reply_code, 554);
    EXPECT_FALSE(out.error->outcome_unknown);

    // Over the relay's SIZE 100000: refused before anything of it is sent.
    Envelope big = mail();
    big.message += std::string(200000, 'y');
    Outcome too_big;
    co_await send_recording(&client, std::move(big), &too_big);
    if (!(too_big.error.has_value())) {
      ADD_FAILURE() << too_big.other;
      co_return;
    }
    EXPECT_EQ(too_big.error->kind, Error::Kind::too_large);
    EXPECT_EQ(relay->messages_begun, 1);
    co_await relay.close();
  });
}

TEST(SmtpRelayFaults, ConcurrentSendsShareAtMostMaxConnections) {
  with_ticker([]() -> Task<void> {
    fake_relay::Relay relay({.pipelining = true, .delay = 2ms});
    SmtpOptions o = options_for(relay);
    o.max_connections = 3;
    Client client(o);
    std::vector<Outcome> outs(20);
    for (auto& out : outs) core::spawn(send_recording(&client, mail(), &out));
    EXPECT_TRUE(co_await eventually([&] {
      return std::all_of(outs.begin(), outs.end(), [](const Outcome& o) { return o.finished; });
    }));
    for (auto& out : outs) EXPECT_TRUE(out.ok) << (out.error ? out.error->what() : out.other);
    EXPECT_EQ(relay->mails, 20);
    EXPECT_LE(relay->connections, 3);
    co_await relay.close();
  });
}

// A relay that accepts and never says a word: sends wait for the greeting. One send more
// than queue_capacity waiting for a connection gets PoolFull at once (503 upstream).
TEST(SmtpRelayFaults, FullQueueGivesPoolFull) {
  with_ticker([]() -> Task<void> {
    core::TcpListener silent;
    std::vector<core::TcpStream> held;
    silent.listen("127.0.0.1", 0, false, [&held](core::TcpStream s) { held.push_back(std::move(s)); });
    SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = silent.port();
    o.max_connections = 1;
    o.queue_capacity = 1;
    Client client(o);
    Outcome first, second, third;
    core::CancelToken cancel;
    core::spawn(send_recording(&client, mail(), &first), &cancel);   // connecting
    core::spawn(send_recording(&client, mail(), &second), &cancel);  // waits
    co_await send_recording(&client, mail(), &third);
    EXPECT_TRUE(third.pool_full);
    EXPECT_FALSE(first.finished || second.finished);
    cancel.cancel();
    EXPECT_TRUE(co_await eventually([&] { return first.finished && second.finished; }));
    EXPECT_TRUE(first.cancelled && second.cancelled);
  });
}

TEST(SmtpRelayFaults, SilentRelayTimesOutWaitingForTheGreeting) {
  with_ticker([]() -> Task<void> {
    core::TcpListener silent;
    std::vector<core::TcpStream> held;
    silent.listen("127.0.0.1", 0, false, [&held](core::TcpStream s) { held.push_back(std::move(s)); });
    SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = silent.port();
    o.command_timeout = 100ms;
    Client client(o);
    Outcome out;
    co_await send_recording(&client, mail(), &out);
    EXPECT_TRUE(out.timed_out);
  });
}

}  // namespace
