#include "wire/json/envelope.hpp"

#include <gtest/gtest.h>

namespace wire::json {
namespace {

TEST(Envelope, WithoutData) {
  EXPECT_EQ(envelope(false, "Hit the broker"), R"({"error":false,"message":"Hit the broker"})");
  EXPECT_EQ(envelope(true, "invalid credentials"),
            R"({"error":true,"message":"invalid credentials"})");
}

TEST(Envelope, WithData) {
  Value user = Value::object();
  user.set("id", Value::integer(1)).set("email", Value::string("admin@example.com"));
  EXPECT_EQ(
      envelope(false, "Authenticated!", user),
      R"({"error":false,"message":"Authenticated!","data":{"id":1,"email":"admin@example.com"}})");
  EXPECT_EQ(envelope(false, "list", Value::array()),
            R"({"error":false,"message":"list","data":[]})");
}

TEST(Envelope, DataOmittedWhenAbsentOrNull) {
  EXPECT_EQ(envelope(false, "logged", Value()), R"({"error":false,"message":"logged"})");
  EXPECT_EQ(envelope(false, "logged", Value::null()), R"({"error":false,"message":"logged"})");
}

TEST(Envelope, EscapesMessage) {
  EXPECT_EQ(
      envelope(true, "say \"hi\"\nback\\slash\x01 caf\xC3\xA9 </a>"),
      "{\"error\":true,\"message\":\"say \\\"hi\\\"\\nback\\\\slash\\u0001 caf\xC3\xA9 </a>\"}");
}

TEST(Envelope, OutputParses) {
  Value data = Value::object();
  data.set("k\"ey", Value::string("v\n"));
  const std::string text = envelope(false, "m\t\"", data);
  auto v = parse(text);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->get("error").as_bool(), false);
  EXPECT_EQ(*v->get("message").as_string(), "m\t\"");
  EXPECT_EQ(v->get("data"), data);
}

TEST(Envelope, AppendsToExistingBuffer) {
  std::string out = "HTTP/1.1 200 OK\r\n\r\n";
  append_envelope(out, false, ".");
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\n\r\n{\"error\":false,\"message\":\".\"}");
}

}  // namespace
}  // namespace wire::json
