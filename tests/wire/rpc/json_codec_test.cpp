#include "wire/rpc/json_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/wire/rpc/go_vectors.hpp"

namespace {

using namespace go_vectors;
using wire::rpc::Call;
using wire::rpc::DecodeStatus;
using wire::rpc::Reply;
using wire::rpc::ReplyTo;

template <class Codec, class Out>
DecodeStatus feed_all(Codec& codec, std::string_view bytes, std::size_t chunk,
                      std::vector<Out>* out) {
  if (chunk == 0) chunk = bytes.size();
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    std::string_view piece = bytes.substr(at, chunk);
    for (;;) {
      auto p = codec.feed(piece);
      if (p.status == DecodeStatus::error) return DecodeStatus::error;
      piece.remove_prefix(p.consumed);
      if (p.status == DecodeStatus::need_more) break;
      out->push_back(codec.take());
    }
  }
  return DecodeStatus::need_more;
}

std::vector<Call> server_decode(std::string_view bytes, std::size_t chunk = 0) {
  auto codec = wire::rpc::make_json_server_codec();
  std::vector<Call> calls;
  EXPECT_EQ(feed_all(*codec, bytes, chunk, &calls), DecodeStatus::need_more) << codec->error();
  return calls;
}

std::vector<Reply> client_decode(std::string_view bytes, std::size_t chunk = 0) {
  auto codec = wire::rpc::make_json_client_codec();
  std::vector<Reply> replies;
  EXPECT_EQ(feed_all(*codec, bytes, chunk, &replies), DecodeStatus::need_more) << codec->error();
  return replies;
}

TEST(JsonServerCodec, DecodesGoClientCalls) {
  auto calls = server_decode(kJsonCall0 + kJsonCall2);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].reply_to.method, "RPCServer.LogInfo");
  EXPECT_EQ(calls[0].reply_to.json_id, "0");
  EXPECT_EQ(calls[0].payload.name, "test");
  EXPECT_EQ(calls[0].payload.data, "hello");
  EXPECT_EQ(calls[0].error, "");
  EXPECT_EQ(calls[1].reply_to.json_id, "2");
  EXPECT_EQ(calls[1].payload.name, "fail");
}

TEST(JsonServerCodec, EncodesRepliesByteForByteLikeGo) {
  auto codec = wire::rpc::make_json_server_codec();
  std::string out;
  codec->encode_reply(out, ReplyTo{"RPCServer.LogInfo", 0, "0"}, "Processed payload via RPC:test");
  EXPECT_EQ(out, kJsonReply0);
  out.clear();
  codec->encode_error(out, ReplyTo{"RPCServer.LogInfo", 0, "2"}, "boom: d");
  EXPECT_EQ(out, kJsonReply2Error);
}

TEST(JsonClientCodec, EncodesCallsByteForByteLikeGo) {
  auto codec = wire::rpc::make_json_client_codec();
  std::string out;
  codec->encode_call(out, "RPCServer.LogInfo", 0, {"test", "hello", "", ""});
  EXPECT_EQ(out, kJsonCall0);
}

TEST(JsonCodec, MetaCarriesRequestIdAndTraceparent) {
  auto client = wire::rpc::make_json_client_codec();
  std::string out;
  const std::string tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  client->encode_call(out, "RPCServer.LogInfo", 7, {"n", "d", "req-1", tp});
  EXPECT_EQ(out, R"({"method":"RPCServer.LogInfo","params":[{"Name":"n","Data":"d"}],"id":7,)"
                 R"("meta":{"request_id":"req-1","traceparent":")" +
                     tp + "\"}}\n");
  auto calls = server_decode(out);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].payload.request_id, "req-1");
  EXPECT_EQ(calls[0].payload.traceparent, tp);
}

TEST(JsonServerCodec, SplitByteByByteAndManyPerBuffer) {
  std::string stream = "  \n" + kJsonCall0 + "\t" +
                       R"({"id":"x","method":"A.B","params":[{"Name":"{\"}[","Data":"\\"}]})" +
                       kJsonCall2 + "\r\n";
  for (std::size_t chunk : {0u, 1u, 2u, 3u, 17u}) {
    auto calls = server_decode(stream, chunk);
    ASSERT_EQ(calls.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(calls[1].reply_to.json_id, "\"x\"");
    EXPECT_EQ(calls[1].payload.name, "{\"}[");
    EXPECT_EQ(calls[1].payload.data, "\\");
    EXPECT_EQ(calls[2].payload.data, "d");
  }
}

TEST(JsonServerCodec, FieldsMatchCaseInsensitivelyLikeEncodingJson) {
  auto calls =
      server_decode(R"({"method":"A.B","params":[{"name":"n","DATA":"d","Extra":[1,2]}],"id":1})");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].payload.name, "n");
  EXPECT_EQ(calls[0].payload.data, "d");
}

TEST(JsonServerCodec, BadParamsFailThatCallOnly) {
  auto calls = server_decode(R"({"method":"A.B","id":1})"
                             R"({"method":"A.B","params":{"Name":"n"},"id":2})"
                             R"({"method":"A.B","params":[{"Name":5}],"id":3})"
                             R"({"method":"A.B","params":[{"Name":"ok"}],"id":4})");
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0].error, "jsonrpc: request body missing params");
  EXPECT_EQ(calls[1].error, "json: cannot unmarshal object into Go value of type [1]interface {}");
  EXPECT_EQ(calls[2].error,
            "json: cannot unmarshal number into Go struct field RPCPayload.Name of type string");
  EXPECT_EQ(calls[3].error, "");
  EXPECT_EQ(calls[3].payload.name, "ok");
  EXPECT_EQ(calls[3].reply_to.json_id, "4");
}

TEST(JsonServerCodec, RejectsGarbage) {
  const std::string garbage[] = {
      "hello",
      "[1,2]",
      R"({"method":"A.B",]})",
      R"({"method":"A.B"} trailing)",
      std::string("{\"a\":\"\xff\"}"),  // not UTF-8
  };
  for (const std::string& g : garbage) {
    auto codec = wire::rpc::make_json_server_codec();
    std::vector<Call> calls;
    EXPECT_EQ(feed_all(*codec, g, 0, &calls), DecodeStatus::error) << g;
    ASSERT_TRUE(codec->error_reply_to().has_value());
    EXPECT_EQ(codec->error_reply_to()->json_id, "null");
    EXPECT_FALSE(codec->error().empty());
  }
}

TEST(JsonServerCodec, RejectsOversizeObjectsEarly) {
  auto codec = wire::rpc::make_json_server_codec();
  std::string head = R"({"method":"A.B","params":[{"Name":")";
  EXPECT_EQ(codec->feed(head).status, DecodeStatus::need_more);
  EXPECT_TRUE(codec->partial());
  std::string chunk(64 * 1024, 'a');
  DecodeStatus status = DecodeStatus::need_more;
  std::size_t fed = head.size();
  while (status == DecodeStatus::need_more && fed < 4 * 1024 * 1024) {
    status = codec->feed(chunk).status;
    fed += chunk.size();
  }
  EXPECT_EQ(status, DecodeStatus::error);
  EXPECT_LE(fed, (1u << 20) + chunk.size() + head.size());
}

TEST(JsonClientCodec, DecodesGoServerReplies) {
  auto replies = client_decode(kJsonReply0 + kJsonReply2Error + kJsonReply3NoMethod, 1);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].seq, 0u);
  EXPECT_EQ(replies[0].outcome, Reply::Outcome::ok);
  EXPECT_EQ(replies[0].text, "Processed payload via RPC:test");
  EXPECT_EQ(replies[1].seq, 2u);
  EXPECT_EQ(replies[1].outcome, Reply::Outcome::error);
  EXPECT_EQ(replies[1].text, "boom: d");
  EXPECT_EQ(replies[2].text, "rpc: can't find method RPCServer.Nope");
}

TEST(JsonClientCodec, OddRepliesFailTheirCallOnly) {
  auto replies = client_decode(R"({"id":1,"result":null,"error":null})"
                               R"({"id":2,"result":null,"error":{"code":1}})"
                               R"({"id":3,"result":null,"error":""})"
                               R"({"id":4,"result":"fine","error":null})");
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].outcome, Reply::Outcome::malformed);
  EXPECT_EQ(replies[1].outcome, Reply::Outcome::error);
  EXPECT_EQ(replies[1].text, R"(invalid error {"code":1})");
  EXPECT_EQ(replies[2].text, "unspecified error");
  EXPECT_EQ(replies[3].text, "fine");
}

TEST(JsonClientCodec, ReplyWithoutIdIsFatal) {
  auto codec = wire::rpc::make_json_client_codec();
  EXPECT_EQ(codec->feed(R"({"id":"x","result":"a","error":null})").status, DecodeStatus::error);
}

}  // namespace
