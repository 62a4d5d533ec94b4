// POST /send with Idempotency-Key against the test profile's Mailpit: a key sent once is not
// sent again, whether the repeat comes after the first answer or while the first is still being
// sent; a failed send is not remembered.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "core/runtime/run.hpp"
#include "tests/core/smtp/mailpit.hpp"
#include "tests/services/mail/send_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mail_test::replayed;
using mail_test::request;

std::string unique_token() {
  static std::mt19937_64 rng(std::random_device{}());
  return fmt::format("idem{:016x}", rng());
}

struct Relay {
  core::smtp::SmtpOptions options;
  std::string api;
};

std::optional<Relay> mailpit_relay() {
  auto host = mailpit::env("MAIL_HOST"), port = mailpit::env("MAIL_PORT"),
       api = mailpit::env("MAILPIT_API");
  if (!host || !port || !api) return std::nullopt;
  Relay r;
  r.options.host = *host;
  r.options.port = std::stoi(*port);
  r.options.helo_domain = "example.com";
  r.api = *api;
  return r;
}

#define REQUIRE_MAILPIT(var)                     \
  auto var = mailpit_relay();                    \
  if (!var) GTEST_SKIP() << "MAIL_HOST/MAIL_PORT/MAILPIT_API unset (scripts/servers)"

const mail::Composer& composer() {
  static const mail::Composer c(mail_test::policy());
  return c;
}

/// Messages in Mailpit whose subject carries token, once at least `expect` arrived (or 10 s).
std::int64_t messages_with(const Relay& relay, const std::string& token, std::int64_t expect) {
  auto found = mailpit::search(relay.api, "subject:" + token, expect);
  return found.get("messages_count").as_int().value_or(-1);
}

TEST(MailSendIdempotencySmtp, SameKeyTwiceIsOneMessage) {
  REQUIRE_MAILPIT(relay);
  mail::IdempotencyTable table({});
  const std::string token = unique_token(), body = mail_test::mail_json("you@example.org", token);
  std::size_t sent = 0;
  // The third request, under another key, is sent: it marks the end of what arrives.
  const std::string first = token + "-1", other = token + "-2";
  auto r = core::run_sync(mail_test::post_in_turn(
      &composer(), relay->options, &table, 10s,
      {request(body, first), request(body, first), request(body, other)}, &sent));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].status, 202) << r[0].body;
  EXPECT_FALSE(replayed(r[0]));
  EXPECT_EQ(r[1].status, 202) << r[1].body;
  EXPECT_TRUE(replayed(r[1]));
  EXPECT_EQ(r[1].body, r[0].body);
  EXPECT_EQ(r[2].status, 202) << r[2].body;
  EXPECT_FALSE(replayed(r[2]));
  EXPECT_EQ(sent, 2u);
  EXPECT_EQ(messages_with(*relay, token, 2), 2);
}

TEST(MailSendIdempotencySmtp, SameKeyAtOnceIsOneMessage) {
  REQUIRE_MAILPIT(relay);
  mail::IdempotencyTable table({});
  const std::string token = unique_token(), body = mail_test::mail_json("you@example.org", token);
  std::size_t sent = 0;
  // All three start before the first send ends: two of them wait for it.
  auto r = core::run_sync(mail_test::post_at_once(
      &composer(), relay->options, &table, 10s,
      {request(body, token), request(body, token), request(body, token)}, &sent));
  int replays = 0;
  for (const auto& response : r) {
    EXPECT_EQ(response.status, 202) << response.body;
    replays += replayed(response) ? 1 : 0;
  }
  EXPECT_EQ(replays, 2);
  EXPECT_EQ(sent, 1u);
  EXPECT_EQ(messages_with(*relay, token, 1), 1);
}

TEST(MailSendIdempotencySmtp, AFailedSendIsSentByTheRetry) {
  REQUIRE_MAILPIT(relay);
  mail::IdempotencyTable table({});
  const std::string token = unique_token(), body = mail_test::mail_json("you@example.org", token);
  core::smtp::SmtpOptions closed = relay->options;
  closed.port = 1;
  std::size_t sent = 0;
  auto failed = core::run_sync(
      mail_test::post_in_turn(&composer(), closed, &table, 10s, {request(body, token)}, &sent));
  EXPECT_EQ(failed.at(0).status, 503) << failed.at(0).body;
  EXPECT_EQ(table.size(), 0u);
  auto retried = core::run_sync(mail_test::post_in_turn(&composer(), relay->options, &table, 10s,
                                                       {request(body, token)}, &sent));
  EXPECT_EQ(retried.at(0).status, 202) << retried.at(0).body;
  EXPECT_FALSE(replayed(retried.at(0)));
  EXPECT_EQ(sent, 1u);
  EXPECT_EQ(messages_with(*relay, token, 1), 1);
}

}  // namespace
