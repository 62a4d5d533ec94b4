#include "wire/smtp/reply.hpp"

#include <gtest/gtest.h>

#include <string>

#include "wire/smtp/extensions.hpp"

namespace {

using wire::smtp::parse_reply;
using Status = wire::smtp::ParsedReply::Status;

const std::string kEhlo =
    "250-mail.example.org greets you\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 10240000\r\n"
    "250-8BITMIME\r\n"
    "250-STARTTLS\r\n"
    "250 AUTH LOGIN PLAIN\r\n";

TEST(SmtpReply, SingleLine) {
  auto p = parse_reply("250 2.0.0 Ok: queued\r\nextra");
  ASSERT_EQ(p.status, Status::complete);
  EXPECT_EQ(p.reply.code, 250);
  EXPECT_EQ(p.consumed, 22u);
  ASSERT_EQ(p.reply.lines.size(), 1u);
  EXPECT_EQ(p.reply.lines[0], "2.0.0 Ok: queued");
  EXPECT_EQ(p.reply.text(), "250 2.0.0 Ok: queued");
}

TEST(SmtpReply, FedByteByByteIsIncompleteUntilTheLastLf) {
  for (std::size_t n = 0; n < kEhlo.size(); ++n) {
    auto p = parse_reply(std::string_view(kEhlo).substr(0, n));
    ASSERT_EQ(p.status, Status::incomplete) << "at " << n;
    EXPECT_EQ(p.consumed, 0u);
  }
  auto p = parse_reply(kEhlo);
  ASSERT_EQ(p.status, Status::complete);
  EXPECT_EQ(p.consumed, kEhlo.size());
  EXPECT_EQ(p.reply.lines.size(), 6u);
}

TEST(SmtpReply, SeveralRepliesInOneBufferComeOneAtATime) {
  std::string in = "250 ok\r\n250 2.1.5 ok\r\n354 go on\r\n";
  std::vector<int> codes;
  std::string_view rest = in;
  while (!rest.empty()) {
    auto p = parse_reply(rest);
    ASSERT_EQ(p.status, Status::complete);
    codes.push_back(p.reply.code);
    rest.remove_prefix(p.consumed);
  }
  EXPECT_EQ(codes, (std::vector<int>{250, 250, 354}));
}

TEST(SmtpReply, BareLfAndCodeAlone) {
  auto p = parse_reply("221\n");
  ASSERT_EQ(p.status, Status::complete);
  EXPECT_EQ(p.reply.code, 221);
  EXPECT_EQ(p.reply.lines.at(0), "");
}

TEST(SmtpReply, Garbage) {
  EXPECT_EQ(parse_reply("HTTP/1.1 400 Bad Request\r\n").status, Status::malformed);
  EXPECT_EQ(parse_reply("25\r\n").status, Status::malformed);
  EXPECT_EQ(parse_reply("650 six hundred\r\n").status, Status::malformed);
  EXPECT_EQ(parse_reply("150 one\r\n").status, Status::malformed);
  EXPECT_EQ(parse_reply("250x ok\r\n").status, Status::malformed);
  EXPECT_EQ(parse_reply("250-first\r\n550 other\r\n").status, Status::malformed);
  EXPECT_EQ(parse_reply(std::string(wire::smtp::kMaxReplyLine + 1, '2')).status, Status::malformed);
  std::string many;
  for (std::size_t i = 0; i <= wire::smtp::kMaxReplyLines; ++i) many += "250-x\r\n";
  EXPECT_EQ(parse_reply(many).status, Status::malformed);
}

TEST(SmtpExtensions, FromAnEhloReply) {
  auto e = wire::smtp::parse_ehlo(parse_reply(kEhlo).reply);
  EXPECT_TRUE(e.pipelining);
  EXPECT_TRUE(e.starttls);
  EXPECT_TRUE(e.eight_bit_mime);
  EXPECT_TRUE(e.auth_plain);
  EXPECT_TRUE(e.auth_login);
  EXPECT_EQ(e.size, 10240000u);
}

TEST(SmtpExtensions, CaseOldAuthFormAndSizeWithoutLimit) {
  auto e = wire::smtp::parse_ehlo(
      parse_reply("250-hi\r\n250-pipelining\r\n250-AUTH=LOGIN\r\n250 SIZE\r\n").reply);
  EXPECT_TRUE(e.pipelining);
  EXPECT_TRUE(e.auth_login);
  EXPECT_FALSE(e.auth_plain);
  EXPECT_FALSE(e.starttls);
  EXPECT_EQ(e.size, 0u);
  // The greeting line is not a keyword.
  auto g = wire::smtp::parse_ehlo(parse_reply("250 PIPELINING\r\n").reply);
  EXPECT_FALSE(g.pipelining);
  EXPECT_FALSE(g.size.has_value());
}

}  // namespace
