// The hand-written protobuf codec against bytes protoc-generated code produces.
#include <gtest/gtest.h>

#include "wire/grpc/status.hpp"
#include "wire/proto/codec.hpp"
#include "wire/proto/messages.hpp"

namespace wire::proto {
namespace {

using grpc::StatusCode;

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

// LogRequest{logEntry: {name: "a", data: "b"}}, as protoc --encode writes it.
const std::string kLogRequest = bytes({0x0a, 0x06, 0x0a, 0x01, 'a', 0x12, 0x01, 'b'});

TEST(Proto, EncodesLikeProtoc) {
  LogRequest r;
  r.has_log_entry = true;
  r.log_entry = {"a", "b"};
  EXPECT_EQ(encode(r), kLogRequest);
  EXPECT_EQ(encode(LogResponse{"logged!"}), bytes({0x0a, 7, 'l', 'o', 'g', 'g', 'e', 'd', '!'}));
  EXPECT_EQ(encode(LogResponse{""}), "");
  EXPECT_EQ(encode(MailRequest{"f", "", "s", "m"}),
            bytes({0x0a, 1, 'f', 0x1a, 1, 's', 0x22, 1, 'm'}));
}

TEST(Proto, DecodesAndRoundTrips) {
  auto r = decode_log_request(kLogRequest);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->has_log_entry);
  EXPECT_EQ(r->log_entry.name, "a");
  EXPECT_EQ(r->log_entry.data, "b");
  MailRequest m{"from@example.com", "to@example.com", "Subject", std::string(300, 'x')};
  auto back = decode_mail_request(encode(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->from, m.from);
  EXPECT_EQ(back->to, m.to);
  EXPECT_EQ(back->subject, m.subject);
  EXPECT_EQ(back->message, m.message);
  EXPECT_EQ(decode_mail_response(encode(MailResponse{"sent to x"}))->result, "sent to x");
  EXPECT_EQ(decode_log_response("")->result, "");
}

TEST(Proto, SkipsUnknownFieldsOfEveryWireType) {
  std::string in = bytes({0x28, 0x96, 0x01,                      // 5: varint 150
                          0x31, 1, 2, 3, 4, 5, 6, 7, 8,          // 6: fixed64
                          0x3a, 2, 'z', 'z',                     // 7: bytes
                          0x45, 1, 2, 3, 4}) +                   // 8: fixed32
                   kLogRequest;
  auto r = decode_log_request(in);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->log_entry.name, "a");
  // Unknown fields inside the embedded message too, and a repeated field: last one wins.
  auto r2 = decode_log_request(bytes({0x0a, 0x08, 0x0a, 0x01, 'a', 0x18, 0x01, 0x0a, 0x01, 'c'}));
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->log_entry.name, "c");
}

TEST(Proto, RefusesWrongWireTypesAndGarbage) {
  auto wrong = decode_log_request(bytes({0x0a, 0x02, 0x08, 0x01}));  // name as varint
  ASSERT_FALSE(wrong);
  EXPECT_EQ(grpc::code_of(wrong.error()), StatusCode::invalid_argument);
  EXPECT_NE(wrong.error().message.find("logEntry.name"), std::string::npos);
  auto wrong_top = decode_mail_request(bytes({0x10, 0x01}));  // to as varint
  ASSERT_FALSE(wrong_top);
  EXPECT_NE(wrong_top.error().message.find("to"), std::string::npos);
  EXPECT_FALSE(decode_log_request(bytes({0x08, 0x01})));               // logEntry as varint
  EXPECT_FALSE(decode_log_request(bytes({0x0a, 0x09, 0x0a})));         // runs past the end
  EXPECT_FALSE(decode_log_request(bytes({0x0a})));                     // truncated
  EXPECT_FALSE(decode_log_request(bytes({0x0b, 0x0c})));               // group
  EXPECT_FALSE(decode_log_request(bytes({0x00, 0x01})));               // field 0
  EXPECT_FALSE(decode_mail_request(bytes({0x0a, 0x01, 0xff})));        // not UTF-8
  EXPECT_FALSE(decode_mail_request(std::string(11, '\xff')));          // endless varint
  EXPECT_FALSE(decode_mail_request("GET / HTTP/1.1\r\n"));
}

TEST(Proto, EveryPrefixOfAValidMessageDecodesOrFailsCleanly) {
  std::string in = encode(MailRequest{"a@b.c", "d@e.f", "subj", "body"});
  for (std::size_t n = 0; n <= in.size(); ++n) {
    auto r = decode_mail_request(in.substr(0, n));
    if (!r) EXPECT_EQ(grpc::code_of(r.error()), StatusCode::invalid_argument);
  }
  const std::string max = bytes({0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  Reader reader(max);
  Field f;
  auto ok = reader.next(f);
  ASSERT_TRUE(ok);
  EXPECT_EQ(f.varint, ~std::uint64_t{0});
}

}  // namespace
}  // namespace wire::proto
