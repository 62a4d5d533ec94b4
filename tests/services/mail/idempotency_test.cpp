// The Idempotency-Key table of POST /send: first request sends, a repeat replays, one in flight
// makes the others wait, a failure is forgotten, the oldest keys go first, keys expire, and a
// key reused with another payload is refused. Then the same through the handler, without a relay.
#include "services/mail/idempotency.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/coro_test.hpp"
#include "tests/services/mail/send_test_support.hpp"

namespace {

using mail::IdempotencyTable;
using Verdict = mail::IdempotencyTable::Verdict;
using namespace std::chrono_literals;

const mail::Fingerprint kA = mail::fingerprint({"me@example.com", "you@example.com", "Hi", "A"});
const mail::Fingerprint kB = mail::fingerprint({"me@example.com", "you@example.com", "Hi", "B"});

/// A clock the test moves by hand.
struct FakeClock {
  IdempotencyTable::Clock::time_point now{std::chrono::hours(1000)};
  IdempotencyTable::Now fn() {
    return [this] { return now; };
  }
};

TEST(MailIdempotencyKey, AbsentValidInvalid) {
  EXPECT_EQ(mail::parse_idempotency_key(nullptr).value(), "");
  std::string ok = "msg-0f3a", longest(128, 'k');
  EXPECT_EQ(mail::parse_idempotency_key(&ok).value(), "msg-0f3a");
  EXPECT_EQ(mail::parse_idempotency_key(&longest).value(), longest);
  for (std::string bad : {std::string(), std::string(129, 'k'), std::string("has space"),
                          std::string("tab\there"), std::string("caf\xc3\xa9")}) {
    auto r = mail::parse_idempotency_key(&bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, 400);
    EXPECT_NE(r.error().message.find("Idempotency-Key"), std::string::npos);
  }
}

TEST(MailIdempotencyFingerprint, FieldsNotTheirConcatenation) {
  EXPECT_EQ(kA, mail::fingerprint({"me@example.com", "you@example.com", "Hi", "A"}));
  EXPECT_NE(kA, kB);
  EXPECT_NE(mail::fingerprint({"a", "b", "ab", "c"}), mail::fingerprint({"a", "b", "a", "bc"}));
  EXPECT_NE(mail::fingerprint({"a", "b", "c", "d"}), mail::fingerprint({"b", "a", "c", "d"}));
}

TEST(MailIdempotencyTable, FirstSendsRepeatReplays) {
  IdempotencyTable table({});
  auto first = table.claim("k", kA);
  ASSERT_EQ(first.verdict, Verdict::send);
  EXPECT_TRUE(first.lease.owns());
  first.lease.sent();
  EXPECT_FALSE(first.lease.owns());
  auto second = table.claim("k", kA);
  EXPECT_EQ(second.verdict, Verdict::replay);
  EXPECT_FALSE(second.lease.owns());
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::replay);
  EXPECT_EQ(table.claim("other", kA).verdict, Verdict::send);  // keys are independent
}

TEST(MailIdempotencyTable, InFlightUntilTheOwnerEnds) {
  IdempotencyTable table({});
  auto owner = table.claim("k", kA);
  ASSERT_EQ(owner.verdict, Verdict::send);
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::in_flight);
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::in_flight);
  owner.lease.sent();
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::replay);
}

TEST(MailIdempotencyTable, FailedSendIsNotRemembered) {
  IdempotencyTable table({});
  {
    auto owner = table.claim("k", kA);
    ASSERT_EQ(owner.verdict, Verdict::send);
  }  // lease dropped without sent(): the send failed
  EXPECT_EQ(table.size(), 0u);
  auto retry = table.claim("k", kA);
  EXPECT_EQ(retry.verdict, Verdict::send);
  // A failed retry may even come with another payload: nothing of the first is kept.
  retry.lease = {};
  EXPECT_EQ(table.claim("k", kB).verdict, Verdict::send);
}

TEST(MailIdempotencyTable, OtherPayloadIsAMismatchInFlightOrSent) {
  IdempotencyTable table({});
  auto owner = table.claim("k", kA);
  EXPECT_EQ(table.claim("k", kB).verdict, Verdict::mismatch);
  owner.lease.sent();
  EXPECT_EQ(table.claim("k", kB).verdict, Verdict::mismatch);
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::replay);
}

TEST(MailIdempotencyTable, OldestKeyIsEvictedFirst) {
  IdempotencyTable table({24h, 2});
  table.claim("a", kA).lease.sent();
  table.claim("b", kA).lease.sent();
  table.claim("c", kA).lease.sent();  // evicts a
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.claim("b", kA).verdict, Verdict::replay);
  EXPECT_EQ(table.claim("c", kA).verdict, Verdict::replay);
  EXPECT_EQ(table.claim("a", kA).verdict, Verdict::send);  // forgotten; now evicts b
  EXPECT_EQ(table.claim("c", kA).verdict, Verdict::replay);
  EXPECT_EQ(table.claim("b", kA).verdict, Verdict::send);
}

TEST(MailIdempotencyTable, KeysExpireAfterTheTtlFromTheFirstRequest) {
  FakeClock clock;
  IdempotencyTable table({10min, 100}, clock.fn());
  table.claim("a", kA).lease.sent();
  clock.now += 5min;
  table.claim("b", kA).lease.sent();
  clock.now += 5min - 1ms;
  EXPECT_EQ(table.claim("a", kA).verdict, Verdict::replay);
  clock.now += 1ms;  // a is 10 min old, b 5 min
  EXPECT_EQ(table.claim("b", kA).verdict, Verdict::replay);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.claim("a", kA).verdict, Verdict::send);
  clock.now += 10min;
  EXPECT_EQ(table.size(), 0u);
}

TEST(MailIdempotencyTable, AStaleLeaseLeavesTheKeysNewOwnerAlone) {
  IdempotencyTable table({24h, 1});
  auto stale = table.claim("k", kA);
  auto other = table.claim("x", kA);  // evicts k while it is in flight
  auto owner = table.claim("k", kA);
  ASSERT_EQ(owner.verdict, Verdict::send);  // evicts x
  stale.lease.sent();                        // neither marks nor forgets the new owner's entry
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::in_flight);
  stale.lease = {};
  other.lease = {};
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::in_flight);
  owner.lease.sent();
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::replay);
}

TEST(MailIdempotencyTable, AMovedLeaseOwnsTheKeyOnce) {
  IdempotencyTable table({});
  auto claim = table.claim("k", kA);
  mail::Lease moved = std::move(claim.lease);
  claim.lease = {};  // the moved-from lease forgets nothing
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::in_flight);
  moved.sent();
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::replay);
}

// Waiting for another worker's send: the owner is this thread, the waiter runs its own loop on
// another one. The owner ends only after the waiter found the key in flight (the table reads its
// clock once per claim), so the waiter has to poll.

struct CountingClock {
  std::atomic<int> reads{0};
  IdempotencyTable::Now fn() {
    return [this] {
      ++reads;
      return IdempotencyTable::Clock::now();
    };
  }
};

/// The waiter's verdict (and, when it got the key, whether it holds the lease).
Verdict wait_on_other_thread(bool owner_succeeds) {
  CountingClock clock;
  IdempotencyTable table({24h, 100}, clock.fn());
  auto owner = table.claim("k", kA);
  EXPECT_EQ(owner.verdict, Verdict::send);
  IdempotencyTable::Claim result;
  std::thread waiter([&] { result = core::run_sync(mail::claim_or_wait(&table, "k", kA, 60s)); });
  while (clock.reads < 2) std::this_thread::yield();
  EXPECT_EQ(table.claim("k", kA).verdict, Verdict::in_flight);
  if (owner_succeeds) {
    owner.lease.sent();
  } else {
    owner.lease = {};
  }
  waiter.join();
  if (result.verdict == Verdict::send) {
    EXPECT_TRUE(result.lease.owns());
    EXPECT_EQ(table.claim("k", kA).verdict, Verdict::in_flight);  // the waiter owns it now
  }
  return result.verdict;
}

TEST(MailIdempotencyWait, AWaiterGetsTheOwnersSuccess) {
  EXPECT_EQ(wait_on_other_thread(true), Verdict::replay);
}

TEST(MailIdempotencyWait, AWaiterSendsItselfWhenTheOwnerFailed) {
  EXPECT_EQ(wait_on_other_thread(false), Verdict::send);
}

// Owner and waiter on one loop: the owner's end posts the wake-up to its own loop. Without it
// the waiter would sit out its budget and come back in_flight.
CORO_TEST(MailIdempotencyWait, AWaiterOnTheOwnersLoopIsWokenByItsEnd) {
  IdempotencyTable table({});
  auto owner = table.claim("k", kA);
  auto other = table.claim("other", kA);  // a send of another key ending wakes nobody for good
  auto waiting = mail::claim_or_wait(&table, "k", kA, 30s);
  core::spawn([](IdempotencyTable::Claim o, IdempotencyTable::Claim x) -> core::Task<void> {
    co_await core::sleep(5ms);
    x.lease = {};
    co_await core::sleep(5ms);
    o.lease.sent();
  }(std::move(owner), std::move(other)));
  auto waited = co_await std::move(waiting);
  EXPECT_EQ(waited.verdict, Verdict::replay);
}

TEST(MailIdempotencyWait, StillInFlightWhenTheBudgetRunsOut) {
  IdempotencyTable table({});
  auto owner = table.claim("k", kA);
  auto waited = core::run_sync(mail::claim_or_wait(&table, "k", kA, 20ms));
  EXPECT_EQ(waited.verdict, Verdict::in_flight);
  EXPECT_EQ(core::run_sync(mail::claim_or_wait(&table, "k", kB, 20ms)).verdict, Verdict::mismatch);
}

// Through the handler. The relay address is closed: any attempt to send would answer 503, so
// a 202 here was answered from the table.

core::smtp::SmtpOptions closed_relay() {
  core::smtp::SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = 1;
  o.timeout = 2s;
  return o;
}

std::vector<core::http::Response> post(IdempotencyTable* table,
                                       std::vector<mail_test::Request> requests,
                                       core::Duration timeout = 2s) {
  static const mail::Composer composer(mail_test::policy());
  std::size_t sent = 0;
  auto out = core::run_sync(mail_test::post_in_turn(&composer, closed_relay(), table, timeout,
                                                    std::move(requests), &sent));
  EXPECT_EQ(sent, 0u);
  return out;
}

// kBody as the table fingerprints it.
const std::string kBody = mail_test::mail_json("you@example.com", "s");
const mail::Fingerprint kSent =
    mail::fingerprint({"me@example.com", "you@example.com", "s", "Hello"});

TEST(MailSendIdempotency, BadKeyIs400NamingTheHeader) {
  IdempotencyTable table({});
  auto r = post(&table, {mail_test::request(kBody, "has space")});
  EXPECT_EQ(r.at(0).status, 400);
  EXPECT_NE(r.at(0).body.find("Idempotency-Key"), std::string::npos) << r.at(0).body;
  EXPECT_EQ(table.size(), 0u);
}

TEST(MailSendIdempotency, SentKeyIsReplayedWithoutSending) {
  IdempotencyTable table({});
  table.claim("k", kSent).lease.sent();
  // The same payload spelled differently is the same payload.
  const std::string respelled =
      R"({ "message": "Hello", "subject": "s",
           "to": "you@example.com", "from": "me@example.com" })";
  auto r = post(&table, {mail_test::request(kBody, "k"), mail_test::request(respelled, "k")});
  for (const auto& response : r) {
    EXPECT_EQ(response.status, 202) << response.body;
    EXPECT_TRUE(mail_test::replayed(response));
    EXPECT_NE(response.body.find("sent to you@example.com"), std::string::npos) << response.body;
  }
}

TEST(MailSendIdempotency, SameKeyOtherPayloadIs422) {
  IdempotencyTable table({});
  table.claim("k", kSent).lease.sent();
  const std::string other = mail_test::mail_json("you@example.com", "s", "Bye");
  auto r = post(&table, {mail_test::request(other, "k")});
  EXPECT_EQ(r.at(0).status, 422);
  EXPECT_NE(r.at(0).body.find("Idempotency-Key"), std::string::npos) << r.at(0).body;
}

TEST(MailSendIdempotency, KeyStillInFlightPastTheDeadlineIs503) {
  IdempotencyTable table({});
  auto owner = table.claim("k", kSent);
  auto r = post(&table, {mail_test::request(kBody, "k")}, 30ms);
  EXPECT_EQ(r.at(0).status, 503);
  EXPECT_NE(wire::http::find_header(r.at(0).headers, "Retry-After"), nullptr);
  EXPECT_FALSE(mail_test::replayed(r.at(0)));
}

}  // namespace
