#include "wire/mail/address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace wire::mail {
namespace {

TEST(Address, Accepted) {
  for (std::string a : {"user@example.com", "first.last@sub.example.co.uk", "user+tag@example.com",
                        "admin@localhost", "ADMIN@LOCALHOST", "o'brien@example.ie",
                        "x@a-b.example", "a!#$%&'*+-/=?^_`{|}~z@example.com", "1@2.3"}) {
    EXPECT_TRUE(is_valid_address(a)) << a << ": " << address_problem(a);
  }
}

TEST(Address, RefusedTable) {
  struct Case {
    std::string address;
    std::string why;
  };
  const std::string long_local(65, 'a');
  const std::string long_label(64, 'b');
  const std::string long_address = std::string(60, 'c') + "@" + std::string(190, 'd') + ".com";
  const Case cases[] = {
      {"", "empty"},
      {"plainaddress", "missing @"},
      {"a@b@example.com", "more than one @"},
      {"@example.com", "empty local part"},
      {"user@", "empty domain"},
      {"user@example", "domain without a dot"},
      {"user name@example.com", "contains a space"},
      {"user\t@example.com", "contains a space"},
      {"<user@example.com>", "contains an angle bracket"},
      {"user@example.com>", "contains an angle bracket"},
      {"user@example.com\r\nRCPT TO:<x@y.z>", "contains CR or LF"},
      {"user\n@example.com", "contains CR or LF"},
      {std::string("us\0er@example.com", 17), "contains a control character"},
      {"j\xc3\xbcrgen@example.com", "contains a non-ASCII character"},
      {".user@example.com", "local part starts or ends with a dot"},
      {"user.@example.com", "local part starts or ends with a dot"},
      {"us..er@example.com", "two dots in a row"},
      {"\"quoted\"@example.com", "character not allowed in the local part"},
      {"us(er@example.com", "character not allowed in the local part"},
      {"user@-example.com", "domain label starts or ends with '-'"},
      {"user@example-.com", "domain label starts or ends with '-'"},
      {"user@example..com", "empty domain label"},
      {"user@.example.com", "empty domain label"},
      {"user@example.com.", "empty domain label"},
      {"user@exa_mple.com", "character not allowed in the domain"},
      {"user@[127.0.0.1]", "character not allowed in the domain"},
      {long_local + "@example.com", "local part longer than 64 characters"},
      {"user@" + long_label + ".com", "domain label longer than 63 characters"},
      {long_address, "longer than 254 characters"},
  };
  for (const Case& c : cases) {
    const char* why = address_problem(c.address);
    ASSERT_NE(why, nullptr) << c.address;
    EXPECT_EQ(std::string(why), c.why) << c.address;
  }
}

TEST(Address, LimitsAreInclusive) {
  std::string local(64, 'a');
  EXPECT_TRUE(is_valid_address(local + "@example.com"));
  // 254 characters in all: 64 + 1 + 189.
  std::string domain = std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                       std::string(57, 'd') + ".com";
  ASSERT_EQ(domain.size(), 189u);
  EXPECT_TRUE(is_valid_address(local + "@" + domain));
}

TEST(Address, CheckNamesTheField) {
  EXPECT_TRUE(check_address("a@example.com", "to").ok());
  auto r = check_address("nope", "to");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 400);
  EXPECT_EQ(r.error().message, "invalid to address: missing @");
}

TEST(Mailbox, PlainAngleAndNamedForms) {
  struct Case {
    const char* text;
    const char* address;
    const char* name;
  } cases[] = {
      {"a@example.com", "a@example.com", ""},
      {"  a@example.com ", "a@example.com", ""},
      {"<a@example.com>", "a@example.com", ""},
      {"Bob <bob@example.com>", "bob@example.com", "Bob"},
      {"\"Bob, Jr.\" <bob@example.com>", "bob@example.com", "Bob, Jr."},
      {"\"Say \\\"hi\\\"\" <x@example.com>", "x@example.com", "Say \"hi\""},
      {"Zo\xc3\xab <z@example.com>", "z@example.com", "Zo\xc3\xab"},
  };
  for (const auto& c : cases) {
    auto m = parse_mailbox(c.text, "to");
    ASSERT_TRUE(m.ok()) << c.text << ": " << m.error().message;
    EXPECT_EQ(m->address, c.address) << c.text;
    EXPECT_EQ(m->name, c.name) << c.text;
  }
}

TEST(Mailbox, RefusedForms) {
  const char* refused[] = {
      "",
      "Bob bob@example.com",
      "Bob <bob@example.com",
      "Bob bob@example.com>",
      "Bob <bob@example.com> trailing",
      "Bob <not-an-address>",
      "Bob <a@example.com>\r\nBcc: c@example.com",
      "Bo\nb <b@example.com>",
      "\"Bob <b@example.com>",
      "Bo\"b <b@example.com>",
      "Bob <a@example.com, c@example.com>",
  };
  for (const char* text : refused) {
    auto m = parse_mailbox(text, "to");
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.error().code, 400) << text;
    EXPECT_EQ(m.error().message.rfind("invalid to address: ", 0), 0u) << m.error().message;
  }
}

}  // namespace
}  // namespace wire::mail
