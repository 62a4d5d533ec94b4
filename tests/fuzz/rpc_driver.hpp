#pragma once
// Drives an RPC codec (server or client side) over fuzzed bytes fed in two pieces, and checks
// what every decoded call survives: re-encoded by a fresh client codec, a fresh server codec
// reads back the same method and payload.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_input.hpp"
#include "wire/rpc/codec.hpp"
#include "wire/rpc/gob_codec.hpp"
#include "wire/rpc/json_codec.hpp"

namespace fuzz {

inline constexpr std::size_t kRpcMaxFrame = 64 * 1024;

inline std::unique_ptr<wire::rpc::ServerCodec> server_codec(wire::rpc::Codec codec) {
  return codec == wire::rpc::Codec::gob ? wire::rpc::make_gob_server_codec(kRpcMaxFrame)
                                        : wire::rpc::make_json_server_codec(kRpcMaxFrame);
}

inline std::unique_ptr<wire::rpc::ClientCodec> client_codec(wire::rpc::Codec codec) {
  return codec == wire::rpc::Codec::gob ? wire::rpc::make_gob_client_codec(kRpcMaxFrame)
                                        : wire::rpc::make_json_client_codec(kRpcMaxFrame);
}

inline void round_trip(wire::rpc::Codec codec, const wire::rpc::Call& call) {
  if (!call.error.empty()) return;
  std::string bytes;
  client_codec(codec)->encode_call(bytes, call.reply_to.method, call.reply_to.seq, call.payload);
  auto server = server_codec(codec);
  const auto p = server->feed(bytes);
  if (p.status != wire::rpc::DecodeStatus::message) {
    // A frame over the limit is the only acceptable refusal of our own encoding.
    check(bytes.size() > kRpcMaxFrame / 2, "a re-encoded call decodes");
    return;
  }
  const wire::rpc::Call again = server->take();
  check(again.error.empty(), "a re-encoded call has no argument error");
  check(again.reply_to.method == call.reply_to.method, "method survives");
  check(again.payload.name == call.payload.name, "payload name survives");
  check(again.payload.data == call.payload.data, "payload data survives");
}

/// Server side (flags bit 0 clear) or client side (set) of `codec` over the rest of `in`.
inline void drive(wire::rpc::Codec codec, Input& in) {
  const std::uint8_t flags = in.byte();
  const std::size_t split = in.byte() * 4;
  const std::string_view bytes = in.rest();
  const std::string_view pieces[2] = {bytes.substr(0, split),
                                      bytes.substr(std::min(split, bytes.size()))};
  std::string out;
  if (flags & 1) {
    auto client = client_codec(codec);
    for (std::string_view piece : pieces) {
      while (true) {
        const auto p = client->feed(piece);
        check(p.consumed <= piece.size(), "consumed within the fed bytes");
        if (p.status == wire::rpc::DecodeStatus::error) return;
        if (p.status == wire::rpc::DecodeStatus::need_more) break;
        (void)client->take();
        piece.remove_prefix(p.consumed);
      }
    }
    return;
  }
  auto server = server_codec(codec);
  for (std::string_view piece : pieces) {
    while (true) {
      const auto p = server->feed(piece);
      check(p.consumed <= piece.size(), "consumed within the fed bytes");
      if (p.status == wire::rpc::DecodeStatus::error) {
        if (auto to = server->error_reply_to()) server->encode_error(out, *to, server->error());
        return;
      }
      if (p.status == wire::rpc::DecodeStatus::need_more) break;
      const wire::rpc::Call call = server->take();
      if (call.error.empty()) {
        server->encode_reply(out, call.reply_to, call.payload.data);
      } else {
        server->encode_error(out, call.reply_to, call.error);
      }
      round_trip(codec, call);
      piece.remove_prefix(p.consumed);
    }
  }
}

}  // namespace fuzz
