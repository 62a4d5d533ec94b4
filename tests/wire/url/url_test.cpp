#include "wire/url/url.hpp"

#include <gtest/gtest.h>

namespace wire {
namespace {

TEST(Url, Parts) {
  auto u = parse_url("AMQP://guest:pw@rabbit.local:5672/vhost?heartbeat=10");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "amqp");
  EXPECT_EQ(u->userinfo, "guest:pw");
  EXPECT_EQ(u->host(), "rabbit.local");
  EXPECT_EQ(u->port(), 5672);
  EXPECT_EQ(u->path, "/vhost");
  EXPECT_EQ(u->query, "heartbeat=10");
}

TEST(Url, Shapes) {
  EXPECT_TRUE(parse_url("http://localhost"));
  EXPECT_EQ(parse_url("http://localhost")->port(), 0);
  EXPECT_TRUE(parse_url("http://[::1]:8080/x"));
  EXPECT_EQ(parse_url("http://[::1]:8080/x")->host(), "[::1]");
  auto multi = parse_url("mongodb://a:27017,b:27018/?replicaSet=rs0");
  ASSERT_TRUE(multi);
  ASSERT_EQ(multi->hosts.size(), 2u);
  EXPECT_EQ(multi->hosts[1].host, "b");
  EXPECT_EQ(multi->hosts[1].port, 27018);
  for (const char* bad : {"", "localhost:80", "://x", "1http://x", "http://", "http://:80",
                          "http://host:", "http://host:0", "http://host:65536", "http://ho st",
                          "http://host:80x", "http://[::1", "http://host/#frag", "http://a,/"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

TEST(Url, Redact) {
  EXPECT_EQ(redact_url("amqp://u:secret@h:5672/v"), "amqp://u:***@h:5672/v");
  EXPECT_EQ(redact_url("amqp://u@h/"), "amqp://u@h/");
  EXPECT_EQ(redact_url("http://h/p@x:y"), "http://h/p@x:y");
  EXPECT_EQ(redact_url("no url"), "no url");
}

}  // namespace
}  // namespace wire
