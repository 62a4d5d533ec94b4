#pragma once
/// @file
/// JSON-RPC 1.0 as Go's net/rpc/jsonrpc speaks it: a stream of JSON objects, no framing.
/// Request `{"method":"S.M","params":[{"Name":..,"Data":..}],"id":N}` plus our optional
/// `"meta":{"request_id":..,"traceparent":..}`; reply `{"id":N,"result":"..","error":null}` or
/// `{"id":N,"result":null,"error":".."}`.
#include <memory>

#include "wire/rpc/codec.hpp"

namespace wire::rpc {

std::unique_ptr<ServerCodec> make_json_server_codec(std::size_t max_frame = kMaxFrameBytes);
std::unique_ptr<ClientCodec> make_json_client_codec(std::size_t max_frame = kMaxFrameBytes);

}  // namespace wire::rpc
