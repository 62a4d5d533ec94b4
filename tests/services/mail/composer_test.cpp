#include "services/mail/composer.hpp"

#include <gtest/gtest.h>

#include "core/runtime/thread_pool.hpp"
#include "core/smtp/error.hpp"
#include "services/mail/handlers.hpp"
#include "wire/mail/encoding.hpp"

namespace {

mail::Policy policy() {
  return mail::Policy{{"@allowed.org", "ceo@partner.com"}, "noreply@example.com", "Microservices", "example.com"};
}

TEST(SenderPolicy, AllowedAddressesAndDomains) {
  std::vector<std::string> allowed{"@allowed.org", "ceo@partner.com"};
  EXPECT_TRUE(mail::sender_allowed("boss@allowed.org", allowed));
  EXPECT_TRUE(mail::sender_allowed("Boss@Allowed.ORG", allowed));
  EXPECT_TRUE(mail::sender_allowed("ceo@partner.com", allowed));
  EXPECT_FALSE(mail::sender_allowed("cfo@partner.com", allowed));
  EXPECT_FALSE(mail::sender_allowed("me@example.com", allowed));
  EXPECT_FALSE(mail::sender_allowed("x@notallowed.org", allowed));
  EXPECT_FALSE(mail::sender_allowed("me@example.com", {}));
}

TEST(SenderPolicy, OthersGoOutFromUsWithReplyTo) {
  auto s = mail::resolve_sender({"me@example.com", "Me"}, {"@allowed.org"}, "noreply@example.com", "Microservices");
  EXPECT_EQ(s.from.address, "noreply@example.com");
  EXPECT_EQ(s.from.name, "Microservices");
  ASSERT_TRUE(s.reply_to.has_value());
  EXPECT_EQ(s.reply_to->address, "me@example.com");
  EXPECT_EQ(s.reply_to->name, "Me");
  auto ok = mail::resolve_sender({"boss@allowed.org", "Boss"}, {"@allowed.org"}, "noreply@example.com", "Microservices");
  EXPECT_EQ(ok.from.address, "boss@allowed.org");
  EXPECT_EQ(ok.from.name, "Boss");
  EXPECT_FALSE(ok.reply_to.has_value());
}

TEST(Composer, MultipartWithInlinedCssAndEscapedHtml) {
  mail::Composer c(policy());
  auto env = c.compose({"me@example.com", "you@there.com", "Test email", "Hello <b>world</b>!"}, 0, "tok123");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->mail_from, "noreply@example.com");
  EXPECT_EQ(env->recipients, std::vector<std::string>{"you@there.com"});
  const std::string& m = env->message;
  EXPECT_NE(m.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(m.find("text/plain"), std::string::npos);
  EXPECT_NE(m.find("text/html"), std::string::npos);
  EXPECT_NE(m.find("Reply-To: me@example.com"), std::string::npos);
  EXPECT_NE(m.find("@example.com>"), std::string::npos);  // Message-ID on MAIL_DOMAIN
  EXPECT_EQ(m.find("<style>"), std::string::npos);        // inlined at load
  std::string decoded = wire::mail::decode_quoted_printable(m);
  EXPECT_NE(decoded.find("&lt;b&gt;world&lt;/b&gt;"), std::string::npos);
  // Raw only in the plain part.
  EXPECT_EQ(decoded.find("<b>world"), decoded.rfind("<b>world"));
  EXPECT_EQ(m.find("\n\n"), std::string::npos);  // CRLF only
}

TEST(Composer, HeaderInjectionAndBadAddressesAre400) {
  mail::Composer c(policy());
  auto to = c.compose({"me@example.com", "you@there.com\r\nBcc: x@y.z", "s", "m"}, 0, "t");
  ASSERT_FALSE(to.ok());
  EXPECT_EQ(to.error().code, 400);
  auto subject = c.compose({"me@example.com", "you@there.com", "s\r\nBcc: x@y.z", "m"}, 0, "t");
  ASSERT_FALSE(subject.ok());
  EXPECT_EQ(subject.error().code, 400);
  auto from = c.compose({"not an address", "you@there.com", "s", "m"}, 0, "t");
  ASSERT_FALSE(from.ok());
  EXPECT_NE(from.error().message.find("from"), std::string::npos);
}

TEST(Composer, DisplayNamesAsGoClientsSendThem) {
  mail::Composer c(policy());
  auto env = c.compose({"Me Myself <me@example.com>", "\"Bob, Jr.\" <bob@there.com>", "s", "m"}, 0, "t");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->recipients, std::vector<std::string>{"bob@there.com"});  // RCPT TO: the address only
  EXPECT_EQ(env->mail_from, "noreply@example.com");
  EXPECT_NE(env->message.find("bob@there.com>"), std::string::npos);
  EXPECT_NE(env->message.find("Reply-To: "), std::string::npos);
  EXPECT_NE(env->message.find("<me@example.com>"), std::string::npos);
  auto bad = c.compose({"me@example.com", "Bob <bob@there.com", "s", "m"}, 0, "t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, 400);
}

TEST(MailFailures, MapToStatuses) {
  auto status = [](std::exception_ptr e) { return mail::send_failure(e).status; };
  EXPECT_EQ(status(std::make_exception_ptr(core::TimeoutError())), 504);
  using core::smtp::Error;
  EXPECT_EQ(status(std::make_exception_ptr(Error(Error::Kind::connect, 0, "refused"))), 503);
  EXPECT_EQ(status(std::make_exception_ptr(Error(Error::Kind::closed, 421, "closing"))), 503);
  EXPECT_EQ(status(std::make_exception_ptr(core::PoolFull("smtp connection"))), 503);
  // A relay's 4xx: try again later (the listener retries on 503 + Retry-After).
  auto busy = mail::send_failure(std::make_exception_ptr(
      Error(Error::Kind::refused, 451, "smtp: refused", "451 4.3.0 try later")));
  EXPECT_EQ(busy.status, 503);
  EXPECT_NE(wire::http::find_header(busy.headers, "Retry-After"), nullptr);
  // A 5xx: 502 carrying the relay's own words.
  auto refused = mail::send_failure(std::make_exception_ptr(
      Error(Error::Kind::refused, 550, "smtp: refused", "550 5.1.1 no such user here")));
  EXPECT_EQ(refused.status, 502);
  EXPECT_NE(refused.body.find("550 5.1.1 no such user here"), std::string::npos) << refused.body;
  EXPECT_EQ(status(std::make_exception_ptr(Error(Error::Kind::too_large, 0, "big"))), 502);
}

}  // namespace
