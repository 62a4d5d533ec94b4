#include "wire/smtp/commands.hpp"

#include <gtest/gtest.h>

#include "wire/mail/encoding.hpp"

namespace {

using wire::smtp::data_payload;

TEST(SmtpCommands, Envelope) {
  EXPECT_EQ(wire::smtp::ehlo("example.com"), "EHLO example.com\r\n");
  EXPECT_EQ(wire::smtp::mail_from("a@example.com"), "MAIL FROM:<a@example.com>\r\n");
  EXPECT_EQ(wire::smtp::mail_from("a@example.com", 1234), "MAIL FROM:<a@example.com> SIZE=1234\r\n");
  EXPECT_EQ(wire::smtp::rcpt_to("b@example.org"), "RCPT TO:<b@example.org>\r\n");
}

TEST(SmtpCommands, AuthPlainAndLogin) {
  std::string plain = wire::smtp::auth_plain("user", "pa ss");
  ASSERT_EQ(plain.rfind("AUTH PLAIN ", 0), 0u);
  ASSERT_EQ(plain.substr(plain.size() - 2), "\r\n");
  auto decoded = wire::mail::decode_base64(plain.substr(11, plain.size() - 13));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, std::string("\0user\0pa ss", 11));
  EXPECT_EQ(wire::smtp::auth_login_line("user"), "dXNlcg==\r\n");
}

TEST(SmtpDataPayload, DotsAreStuffedExactlyOnce) {
  EXPECT_EQ(data_payload("a\r\n.\r\n..b\r\n.c\r\n"), "a\r\n..\r\n...b\r\n..c\r\n.\r\n");
  // A dot inside a line is left alone; the first line counts as a line start.
  EXPECT_EQ(data_payload(".x a.b\r\n"), "..x a.b\r\n.\r\n");
  // Stuffing a stuffed payload again adds dots again: the client does it once, compose never.
  std::string once = data_payload(".\r\n");
  EXPECT_EQ(once, "..\r\n.\r\n");
}

TEST(SmtpDataPayload, EveryLineBreakIsCrlfAndTheLastLineIsEnded) {
  EXPECT_EQ(data_payload("a\nb\rc\r\nd"), "a\r\nb\r\nc\r\nd\r\n.\r\n");
  EXPECT_EQ(data_payload("a\n.\n"), "a\r\n..\r\n.\r\n");
  EXPECT_EQ(data_payload(""), ".\r\n");
  EXPECT_EQ(data_payload("\r\n"), "\r\n.\r\n");
}

TEST(SmtpDataPayload, SizeMatches) {
  for (const char* m : {"", "a", "a\r\n", ".\n.\r.\r\n", "x\r\n\r\n..\r\nend"}) {
    EXPECT_EQ(wire::smtp::data_payload_size(m), data_payload(m).size()) << m;
  }
}

}  // namespace
