#include "wire/smtp/transaction.hpp"

#include <gtest/gtest.h>

namespace {

using wire::smtp::Reply;
using wire::smtp::Transaction;
using Step = Transaction::Step;

Reply r(int code, std::string text = "ok") { return Reply{code, {std::move(text)}}; }

const std::vector<std::string> kTwo = {"b@example.org", "c@example.org"};

TEST(SmtpTransaction, PipelinedSendsEverythingInOneWrite) {
  Transaction t("a@example.com", kTwo, {.pipelining = true, .reset_first = true, .size = 99});
  EXPECT_EQ(t.take_commands(),
            "RSET\r\nMAIL FROM:<a@example.com> SIZE=99\r\nRCPT TO:<b@example.org>\r\n"
            "RCPT TO:<c@example.org>\r\nDATA\r\n");
  EXPECT_EQ(t.take_commands(), "");
  EXPECT_EQ(t.on_reply(r(250)), Step::read);  // RSET
  EXPECT_EQ(t.on_reply(r(250)), Step::read);  // MAIL
  EXPECT_EQ(t.on_reply(r(250)), Step::read);
  EXPECT_EQ(t.on_reply(r(251)), Step::read);
  EXPECT_FALSE(t.data_sent());
  EXPECT_EQ(t.on_reply(r(354)), Step::send_data);
  EXPECT_TRUE(t.data_sent());
  EXPECT_EQ(t.on_reply(r(250)), Step::accepted);
}

TEST(SmtpTransaction, OneCommandAtATimeWithoutPipelining) {
  Transaction t("a@example.com", kTwo, {});
  EXPECT_EQ(t.take_commands(), "MAIL FROM:<a@example.com>\r\n");
  EXPECT_EQ(t.take_commands(), "");
  EXPECT_EQ(t.on_reply(r(250)), Step::write);
  EXPECT_EQ(t.take_commands(), "RCPT TO:<b@example.org>\r\n");
  EXPECT_EQ(t.on_reply(r(250)), Step::write);
  EXPECT_EQ(t.take_commands(), "RCPT TO:<c@example.org>\r\n");
  EXPECT_EQ(t.on_reply(r(250)), Step::write);
  EXPECT_EQ(t.take_commands(), "DATA\r\n");
  EXPECT_EQ(t.on_reply(r(354)), Step::send_data);
  EXPECT_EQ(t.on_reply(r(250)), Step::accepted);
}

TEST(SmtpTransaction, RefusedRecipientStopsBeforeData) {
  Transaction t("a@example.com", kTwo, {});
  t.take_commands();
  EXPECT_EQ(t.on_reply(r(250)), Step::write);
  t.take_commands();
  EXPECT_EQ(t.on_reply(r(550, "5.1.1 no such user")), Step::rejected);
  EXPECT_EQ(t.take_commands(), "");  // DATA never goes out
  EXPECT_EQ(t.failure().text(), "550 5.1.1 no such user");
  EXPECT_FALSE(t.data_sent());
}

TEST(SmtpTransaction, PipelinedRefusalReadsEveryOwedReplyAndKeepsTheFirst) {
  Transaction t("a@example.com", kTwo, {.pipelining = true});
  t.take_commands();
  EXPECT_EQ(t.on_reply(r(250)), Step::read);
  EXPECT_EQ(t.on_reply(r(452, "4.2.2 mailbox full")), Step::read);
  EXPECT_EQ(t.on_reply(r(250)), Step::read);
  EXPECT_EQ(t.on_reply(r(554, "no valid recipients")), Step::rejected);
  EXPECT_EQ(t.failure().code, 452);
}

TEST(SmtpTransaction, PipelinedRefusalThen354AbandonsTheSession) {
  // Ending the data with "." would deliver an empty mail to the recipient that was taken.
  Transaction t("a@example.com", kTwo, {.pipelining = true});
  t.take_commands();
  t.on_reply(r(250));
  t.on_reply(r(550));
  t.on_reply(r(250));
  EXPECT_EQ(t.on_reply(r(354)), Step::abandon);
  EXPECT_FALSE(t.data_sent());
  EXPECT_EQ(t.failure().code, 550);
}

TEST(SmtpTransaction, Reply421AnywhereAbandons) {
  Transaction t("a@example.com", kTwo, {.pipelining = true});
  t.take_commands();
  EXPECT_EQ(t.on_reply(r(421, "4.3.2 shutting down")), Step::abandon);
  EXPECT_EQ(t.failure().code, 421);

  Transaction u("a@example.com", {"b@example.org"}, {});
  u.take_commands();
  u.on_reply(r(250));
  u.take_commands();
  u.on_reply(r(250));
  u.take_commands();
  EXPECT_EQ(u.on_reply(r(354)), Step::send_data);
  EXPECT_EQ(u.on_reply(r(421)), Step::abandon);
  EXPECT_TRUE(u.data_sent());
}

TEST(SmtpTransaction, RefusedMessageAndRefusedReset) {
  Transaction t("a@example.com", {"b@example.org"}, {.pipelining = true});
  t.take_commands();
  t.on_reply(r(250));
  t.on_reply(r(250));
  EXPECT_EQ(t.on_reply(r(354)), Step::send_data);
  EXPECT_EQ(t.on_reply(r(554, "5.7.1 spam")), Step::rejected);
  EXPECT_TRUE(t.data_sent());

  Transaction u("a@example.com", {"b@example.org"}, {.reset_first = true});
  EXPECT_EQ(u.take_commands(), "RSET\r\n");
  EXPECT_EQ(u.on_reply(r(500)), Step::abandon);
}

TEST(SmtpTransaction, DataRefused) {
  Transaction t("a@example.com", {"b@example.org"}, {});
  t.take_commands();
  t.on_reply(r(250));
  t.take_commands();
  t.on_reply(r(250));
  t.take_commands();
  EXPECT_EQ(t.on_reply(r(451, "4.3.0 try later")), Step::rejected);
  EXPECT_EQ(t.failure().klass(), 4);
}

}  // namespace
