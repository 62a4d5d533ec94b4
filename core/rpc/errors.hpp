#pragma once
/// @file
/// What an RPC call can fail with, besides core::TimeoutError (the call's deadline passed) and
/// core::NetError (no connection, or it broke with the call in flight: the callee is
/// unavailable).
#include <stdexcept>

#include "wire/rpc/codec.hpp"

namespace core::rpc {

using Payload = wire::rpc::Payload;
using Codec = wire::rpc::Codec;

/// The server answered with an error; what() is its message. A handler throws it (or any
/// std::exception) to answer with an error.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The server's reply did not decode as the protocol says (a broker answers 502).
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace core::rpc
