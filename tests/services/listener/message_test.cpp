// What a delivery turns into, before any I/O: the target by routing key, the payload checked
// and re-encoded, the message_id as Idempotency-Key; and what makes a message unusable.
#include "services/listener/message.hpp"

#include <gtest/gtest.h>

#include <string>

#include "wire/json/value.hpp"

namespace {

using listener::parse_message;
using listener::Target;

TEST(ListenerMessage, LogKeysGoToTheLogger) {
  for (const char* key : {"log.INFO", "log.WARNING", "log.ERROR", "log.DEBUG"}) {
    auto f = parse_message(key, R"({"name":"event","data":"payload"})", "id-1");
    ASSERT_TRUE(f) << key;
    EXPECT_EQ(f->target, Target::logger);
    EXPECT_EQ(f->idempotency_key, "id-1");
    auto body = wire::json::parse(f->body);
    ASSERT_TRUE(body);
    EXPECT_EQ(body->get("name").as_string(), "event");
    EXPECT_EQ(body->get("data").as_string(), "payload");
  }
}

TEST(ListenerMessage, MailSendGoesToTheMailService) {
  auto f = parse_message(
      "mail.send", R"({"from":"a@example.com","to":"b@example.com","subject":"s","message":"m"})",
      "mail-7");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->target, Target::mail);
  auto body = wire::json::parse(f->body);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->get("to").as_string(), "b@example.com");
  EXPECT_EQ(body->get("message").as_string(), "m");
}

TEST(ListenerMessage, UnknownFieldsAreDroppedFromWhatIsForwarded) {
  auto f = parse_message("log.INFO", R"({"name":"n","data":"d","extra":{"deep":[1,2]}})", "k");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->body.find("extra"), std::string::npos);
}

TEST(ListenerMessage, AnEmptyMailSenderIsAllowed) {
  auto f = parse_message("mail.send", R"({"from":"","to":"b@example.com","subject":"s","message":"m"})",
                         "k");
  EXPECT_TRUE(f);
}

TEST(ListenerMessage, AMessageWithoutIdIsForwardedWithoutKey) {
  auto f = parse_message("log.INFO", R"({"name":"n","data":"d"})", "");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->idempotency_key, "");
}

TEST(ListenerMessage, MalformedMessagesAreRefusedWithAReason) {
  struct Case {
    const char* key;
    const char* body;
    const char* id;
    const char* says;
  };
  const Case cases[] = {
      {"log.INFO", "{not json", "k", "malformed JSON"},
      {"log.INFO", "", "k", "malformed JSON"},
      {"log.INFO", R"(["name","data"])", "k", "JSON object"},
      {"log.INFO", R"({"data":"d"})", "k", "name"},
      {"log.INFO", R"({"name":"n"})", "k", "data"},
      {"log.INFO", R"({"name":"","data":"d"})", "k", "name"},
      {"log.INFO", R"({"name":7,"data":"d"})", "k", "name"},
      {"mail.send", R"({"from":"a@example.com","subject":"s","message":"m"})", "k", "to"},
      {"mail.send", R"({"name":"n","data":"d"})", "k", "from"},
      {"log.INFO.extra", R"({"name":"n","data":"d"})", "k", "routing key"},
      {"mail.other", R"({"name":"n","data":"d"})", "k", "routing key"},
      {"", R"({"name":"n","data":"d"})", "k", "routing key"},
      {"log.INFO", R"({"name":"n","data":"d"})", "has space", "Idempotency-Key"},
  };
  for (const Case& c : cases) {
    auto f = parse_message(c.key, c.body, c.id);
    ASSERT_FALSE(f) << c.key << " " << c.body;
    EXPECT_EQ(f.error().code, 400);
    EXPECT_NE(f.error().message.find(c.says), std::string::npos) << f.error().message;
  }
}

TEST(ListenerMessage, AnIdLongerThanTheLoggerTakesIsRefused) {
  EXPECT_TRUE(parse_message("log.INFO", R"({"name":"n","data":"d"})", std::string(128, 'a')));
  EXPECT_FALSE(parse_message("log.INFO", R"({"name":"n","data":"d"})", std::string(129, 'a')));
}

}  // namespace
