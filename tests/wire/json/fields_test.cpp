#include "wire/json/fields.hpp"

#include <gtest/gtest.h>

namespace wire::json {
namespace {

Value body(std::string_view text) {
  auto v = parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? v.value() : Value();
}

TEST(Fields, RequiredStringFound) {
  auto r = required_string(body(R"({"email":"a@b.c"})"), "email");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "a@b.c");
  EXPECT_EQ(required_string(body(R"({"email":""})"), "email").value(), "");
}

TEST(Fields, RequiredStringMissing) {
  for (const char* text : {R"({})", R"({"email":null})"}) {
    auto r = required_string(body(text), "email");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 400);
    EXPECT_EQ(r.error().message, "missing field: email");
  }
}

TEST(Fields, RequiredStringWrongType) {
  for (const char* text :
       {R"({"email":1})", R"({"email":{}})", R"({"email":["x"]})", R"({"email":true})"}) {
    auto r = required_string(body(text), "email");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, 400);
    EXPECT_EQ(r.error().message, "field email must be a string");
  }
}

TEST(Fields, NestedPath) {
  const Value req = body(R"({"action":"auth","auth":{"email":"a@b.c","password":5}})");
  EXPECT_EQ(required_string(req, "auth.email").value(), "a@b.c");
  EXPECT_EQ(required_string(req, "auth.password").error().message,
            "field auth.password must be a string");
  EXPECT_EQ(required_string(req, "log.name").error().message, "missing field: log.name");
  EXPECT_EQ(required_string(req, "action.x").error().message, "field action must be an object");
  EXPECT_EQ(lookup(req, "auth.email").as_string(), "a@b.c");
  EXPECT_FALSE(lookup(req, "auth.nope.deeper").present());
}

TEST(Fields, ReportedNameForExtractedObject) {
  const Value req = body(R"({"auth":{"password":"x"}})");
  auto auth = required_object(req, "auth");
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(required_string(auth.value(), "email", "auth.email").error().message,
            "missing field: auth.email");
  EXPECT_EQ(required_string(auth.value(), "password", "auth.password").value(), "x");
}

TEST(Fields, RequiredObject) {
  EXPECT_EQ(required_object(body(R"({})"), "mail").error().message, "missing field: mail");
  EXPECT_EQ(required_object(body(R"({"mail":"x"})"), "mail").error().message,
            "field mail must be an object");
}

TEST(Fields, BodyNotAnObject) {
  EXPECT_EQ(required_string(body("[1]"), "email").error().message,
            "request body must be a JSON object");
  EXPECT_EQ(required_string(body("[1]"), "auth.email").error().message,
            "request body must be a JSON object");
}

TEST(Fields, OptionalString) {
  const Value req = body(R"({"transport":"http","n":1,"z":null})");
  EXPECT_EQ(optional_string(req, "transport").value(), "http");
  EXPECT_FALSE(optional_string(req, "missing").value().has_value());
  EXPECT_FALSE(optional_string(req, "z").value().has_value());
  EXPECT_FALSE(optional_string(req, "a.b").value().has_value());
  EXPECT_EQ(optional_string(req, "n").error().message, "field n must be a string");
  EXPECT_EQ(optional_string(req, "n", "log.n").error().message, "field log.n must be a string");
}

}  // namespace
}  // namespace wire::json
