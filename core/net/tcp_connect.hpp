#pragma once
// Outgoing TCP: name resolution through the Resolver (libuv's own pool), then connect, both
// under one timeout.
#include <string>

#include "core/net/tcp_stream.hpp"
#include "core/runtime/task.hpp"

namespace core {

/// Connects to host:port; throws NetError (refused, unreachable, unknown host) or TimeoutError.
Task<TcpStream> tcp_connect(std::string host, int port, Duration timeout);

/// Resolves host to a socket address (numeric addresses skip the resolver).
Task<sockaddr_storage> resolve(std::string host, int port);

}  // namespace core
