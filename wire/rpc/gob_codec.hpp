#pragma once
/// @file
/// net/rpc's default codec: every request is a gob `rpc.Request{ServiceMethod, Seq}` value
/// followed by the argument (`RPCPayload{Name, Data}`), every reply a gob
/// `rpc.Response{ServiceMethod, Seq, Error}` followed by the result (a `string`, or Go's empty
/// `invalidRequest` struct when Error is set). Each direction of a connection is one gob
/// stream: a type is defined once, before its first value. Our client's Request carries two
/// more string fields, RequestID and Traceparent, which Go's decoder skips by name and our
/// server reads into the Payload (docs/rpc.md).
#include <memory>

#include "wire/rpc/codec.hpp"

namespace wire::rpc {

std::unique_ptr<ServerCodec> make_gob_server_codec(std::size_t max_frame = kMaxFrameBytes);
std::unique_ptr<ClientCodec> make_gob_client_codec(std::size_t max_frame = kMaxFrameBytes);

}  // namespace wire::rpc
