#include "wire/contracts/payloads.hpp"

#include <gtest/gtest.h>

namespace {

using namespace wire::contracts;

wire::json::Value body(std::string_view text) {
  auto v = wire::json::parse(text);
  EXPECT_TRUE(v.ok());
  return v.value();
}

std::string error_of(std::string_view text) {
  auto r = parse_handle(body(text));
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

TEST(HandleRequest, GoPageAuth) {
  auto r = parse_handle(body(R"({"action":"auth","auth":{"email":"admin@example.com","password":"verysecret"}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, Action::auth);
  EXPECT_EQ(r->auth.email, "admin@example.com");
  EXPECT_EQ(r->auth.password, "verysecret");
}

TEST(HandleRequest, GoPageLogDefaultsToRpc) {
  auto r = parse_handle(body(R"({"action":"log","log":{"name":"event","data":"Some kind of data"}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, Action::log);
  EXPECT_EQ(r->transport, LogTransport::rpc);
  EXPECT_EQ(r->log.name, "event");
  EXPECT_EQ(r->log.data, "Some kind of data");
}

TEST(HandleRequest, LogTransports) {
  for (auto [name, t] : {std::pair{"rpc", LogTransport::rpc}, {"http", LogTransport::http},
                         {"amqp", LogTransport::amqp}, {"grpc", LogTransport::grpc}}) {
    auto r = parse_handle(body(std::string(R"({"action":"log","transport":")") + name +
                               R"(","log":{"name":"n","data":"d"}})"));
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(r->transport, t);
    EXPECT_EQ(transport_name(t), name);
  }
  EXPECT_EQ(error_of(R"({"action":"log","transport":"smoke","log":{"name":"n","data":"d"}})"),
            "unknown transport: smoke (rpc, http, amqp or grpc)");
}

TEST(HandleRequest, GoPageMail) {
  auto r = parse_handle(body(
      R"({"action":"mail","mail":{"from":"me@example.com","to":"you@there.com","subject":"Test email","message":"Hello world!"}})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mail.to, "you@there.com");
  EXPECT_EQ(r->mail.subject, "Test email");
}

TEST(HandleRequest, ErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"action":"fly"})"), "unknown action");
  EXPECT_EQ(error_of(R"({})"), "missing field: action");
  EXPECT_EQ(error_of(R"({"action":"auth","auth":{"email":"a@b.c"}})"), "missing field: auth.password");
  EXPECT_EQ(error_of(R"({"action":"log","log":{"name":"x","data":5}})"), "field log.data must be a string");
  EXPECT_EQ(error_of(R"({"action":"mail","mail":{"from":"a","to":"b","subject":"c"}})"),
            "missing field: mail.message");
  EXPECT_FALSE(error_of(R"({"action":"auth"})").empty());
  EXPECT_EQ(error_of(R"({"action":"log","log":{"name":"","data":"d"}})"), "field log.name must not be empty");
}

TEST(Payloads, TopLevelLog) {
  auto r = parse_log(body(R"({"name":"n","data":"d"})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(to_json(r.value()).dump(), R"({"name":"n","data":"d"})");
  auto bad = parse_log(body(R"({"data":"d"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "missing field: name");
  EXPECT_EQ(bad.error().code, 400);
}

}  // namespace
