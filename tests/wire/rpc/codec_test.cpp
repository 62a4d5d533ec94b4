#include "wire/rpc/codec.hpp"

#include <gtest/gtest.h>

#include "tests/wire/rpc/go_vectors.hpp"

namespace {

using wire::rpc::Codec;
using wire::rpc::detect_codec;

TEST(RpcCodec, DetectsTheCodecFromTheFirstByte) {
  EXPECT_EQ(detect_codec('{'), Codec::json);
  for (char ws : {' ', '\t', '\n', '\r'}) EXPECT_EQ(detect_codec(ws), Codec::json);
  // A Go gob client starts with the 46-byte definition of rpc.Request: 0x2e.
  EXPECT_EQ(detect_codec(go_vectors::kGobCall0[0]), Codec::gob);
  EXPECT_EQ(detect_codec('\x7f'), Codec::gob);
  EXPECT_EQ(detect_codec('G'), Codec::gob);  // then rejected by the gob decoder
}

TEST(RpcCodec, NamesRoundTrip) {
  EXPECT_EQ(wire::rpc::parse_codec("gob"), Codec::gob);
  EXPECT_EQ(wire::rpc::parse_codec("json"), Codec::json);
  EXPECT_FALSE(wire::rpc::parse_codec("xml").has_value());
  EXPECT_EQ(wire::rpc::codec_name(Codec::json), "json");
}

}  // namespace
