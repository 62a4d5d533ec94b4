#include "wire/mail/message.hpp"

#include <gtest/gtest.h>

#include <string>

#include "wire/mail/encoding.hpp"

namespace wire::mail {
namespace {

Message sample() {
  Message m;
  m.from = {"sender@example.com", "Mail Service"};
  m.to = {{"alice@example.org", ""}};
  m.reply_to = Mailbox{"bob@example.net", "Bob"};
  m.subject = "Hello";
  m.date = "Thu, 01 Jan 1970 00:00:00 +0000";
  m.message_id = "<abc123@example.com>";
  m.text = "Hi Alice,\nsee you.";
  m.html = "<p>Hi Alice,</p>";
  return m;
}

TEST(Compose, ByteExact) {
  auto r = compose(sample());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r,
            "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"
            "From: Mail Service <sender@example.com>\r\n"
            "Reply-To: Bob <bob@example.net>\r\n"
            "To: alice@example.org\r\n"
            "Subject: Hello\r\n"
            "Message-ID: <abc123@example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/alternative; boundary=\"=_alt_abc123_example.com\"\r\n"
            "\r\n"
            "--=_alt_abc123_example.com\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Hi Alice,\r\n"
            "see you.\r\n"
            "--=_alt_abc123_example.com\r\n"
            "Content-Type: text/html; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "<p>Hi Alice,</p>\r\n"
            "--=_alt_abc123_example.com--\r\n");
}

TEST(Compose, OnlyCrlfLineEnds) {
  Message m = sample();
  m.text = "one\ntwo\rthree\r\n";
  m.html = "<p>\n</p>";
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  for (std::size_t i = 0; i < r->size(); ++i) {
    if ((*r)[i] == '\n') ASSERT_EQ((*r)[i - 1], '\r') << i;
    if ((*r)[i] == '\r') ASSERT_EQ((*r)[i + 1], '\n') << i;
  }
}

TEST(Compose, Base64Parts) {
  Message m = sample();
  m.encoding = BodyEncoding::base64;
  m.text = "Hi\n";
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->find("Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\nSGkNCg==\r\n--"),
            std::string::npos)
      << *r;
}

TEST(Compose, NonAsciiSubjectAndNames) {
  Message m = sample();
  m.subject = "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln";
  m.from.name = "J\xc3\xbcrgen M\xc3\xbcller";
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->find("\r\nSubject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n"), std::string::npos)
      << *r;
  EXPECT_NE(r->find("\r\nFrom: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <sender@example.com>\r\n"),
            std::string::npos)
      << *r;
}

TEST(Compose, NamesWithSpecialsAreQuoted) {
  Message m = sample();
  m.from.name = "Doe, John \"JD\"";
  m.reply_to->name = "back\\slash";
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->find("From: \"Doe, John \\\"JD\\\"\" <sender@example.com>\r\n"), std::string::npos);
  EXPECT_NE(r->find("Reply-To: \"back\\\\slash\" <bob@example.net>\r\n"), std::string::npos);
}

TEST(Compose, SubjectLookingLikeAnEncodedWordIsEncoded) {
  Message m = sample();
  m.subject = "=?UTF-8?B?SGk=?=";
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->find("Subject: =?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?=\r\n"), std::string::npos) << *r;
}

TEST(Compose, LongAsciiSubjectIsFolded) {
  Message m = sample();
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
  subject += "end";
  m.subject = subject;
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  std::size_t start = r->find("Subject:");
  std::size_t end = r->find("\r\nMessage-ID:");
  std::string header = r->substr(start, end - start);
  std::string unfolded;
  std::size_t line_start = 0;
  for (;;) {
    std::size_t crlf = header.find("\r\n", line_start);
    std::string line = header.substr(line_start, crlf - line_start);
    EXPECT_LE(line.size(), 78u) << line;
    unfolded += line;
    if (crlf == std::string::npos) break;
    EXPECT_EQ(header[crlf + 2], ' ');  // folding happens before whitespace only
    line_start = crlf + 2;
  }
  EXPECT_EQ(unfolded, "Subject: " + subject);
}

TEST(Compose, SeveralRecipients) {
  Message m = sample();
  m.to = {{"a@example.com", "A"}, {"b@example.com", ""}};
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->find("\r\nTo: A <a@example.com>, b@example.com\r\n"), std::string::npos);
  m.to.clear();
  for (int i = 0; i < 6; ++i) m.to.push_back({"recipient" + std::to_string(i) + "@example.com", ""});
  r = compose(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->find("\r\nTo: recipient0@example.com, recipient1@example.com, recipient2@example.com,\r\n"
                    " recipient3@example.com, recipient4@example.com, recipient5@example.com\r\n"),
            std::string::npos)
      << *r;
}

TEST(Compose, BodyIsQuotedPrintableWithinLimits) {
  Message m = sample();
  m.text = std::string(500, 'z') + "\n\xc3\xa9t\xc3\xa9\n.\n";
  auto r = compose(m);
  ASSERT_TRUE(r.ok());
  std::size_t start = 0;
  while (start < r->size()) {
    std::size_t crlf = r->find("\r\n", start);
    EXPECT_LE(crlf - start, 78u);
    start = crlf + 2;
  }
  EXPECT_NE(r->find("\r\n=C3=A9t=C3=A9\r\n.\r\n\r\n--"), std::string::npos) << *r;
}

struct Injection {
  const char* field;
  void (*inject)(Message&);
};

TEST(Compose, CrLfInjectionIsRejectedPerField) {
  const Injection cases[] = {
      {"from", [](Message& m) { m.from.name = "Evil\r\nBcc: victim@example.com"; }},
      {"from", [](Message& m) { m.from.address = "evil@example.com\r\nBcc: v@example.com"; }},
      {"to", [](Message& m) { m.to[0].name = "x\nBcc: victim@example.com"; }},
      {"to", [](Message& m) { m.to[0].address = "a@example.com\nRCPT TO:<v@example.com>"; }},
      {"reply_to", [](Message& m) { m.reply_to->name = "x\r"; }},
      {"reply_to", [](Message& m) { m.reply_to->address = "r@example.com\r\n"; }},
      {"subject", [](Message& m) { m.subject = "Hi\r\nBcc: victim@example.com"; }},
      {"subject", [](Message& m) { m.subject = "Hi\nthere"; }},
      {"subject", [](Message& m) { m.subject = "Hi\rthere"; }},
      {"date", [](Message& m) { m.date += "\r\nX-Evil: 1"; }},
      {"message_id", [](Message& m) { m.message_id = "<a@b.c>\r\nX-Evil: 1"; }},
  };
  for (const Injection& c : cases) {
    Message m = sample();
    c.inject(m);
    auto r = compose(m);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, 400);
    EXPECT_EQ(r.error().message.rfind(std::string("invalid ") + c.field, 0), 0u)
        << r.error().message;
  }
}

TEST(Compose, OtherHeaderProblems) {
  Message m = sample();
  m.to.clear();
  EXPECT_EQ(compose(m).error().message, "invalid to: no recipient");
  m = sample();
  m.subject = "bad \xff utf8";
  EXPECT_EQ(compose(m).error().message, "invalid subject: not valid UTF-8");
  m = sample();
  m.subject = std::string("nul\0", 4);
  EXPECT_EQ(compose(m).error().message, "invalid subject: contains a control character");
  m = sample();
  m.message_id = "no-brackets@example.com";
  EXPECT_EQ(compose(m).error().message, "invalid message_id: not <left@right>");
  m = sample();
  m.to[0].address = "not an address";
  EXPECT_EQ(compose(m).error().message, "invalid to address: contains a space");
  m = sample();
  m.subject = "tab\tis fine";
  EXPECT_TRUE(compose(m).ok());
}

TEST(MessageId, Built) {
  EXPECT_EQ(make_message_id("f00dCAFE.1-2_3", "example.com").value(), "<f00dCAFE.1-2_3@example.com>");
  EXPECT_EQ(make_message_id("x", "localhost").value(), "<x@localhost>");
  EXPECT_FALSE(make_message_id("", "example.com").ok());
  EXPECT_FALSE(make_message_id("a@b", "example.com").ok());
  EXPECT_FALSE(make_message_id("abc", "example.com\r\n").ok());
  EXPECT_FALSE(make_message_id("abc", "bad domain").ok());
  EXPECT_EQ(make_message_id("abc", "").error().code, 400);
}

TEST(Date, Formats) {
  EXPECT_EQ(format_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(format_date(951782400), "Tue, 29 Feb 2000 00:00:00 +0000");
  EXPECT_EQ(format_date(1700000000), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(format_date(-1), "Wed, 31 Dec 1969 23:59:59 +0000");
}

}  // namespace
}  // namespace wire::mail
