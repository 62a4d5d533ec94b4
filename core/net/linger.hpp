#pragma once
// The polite end of a connection we close first: half-close our side (FIN), then read and drop
// what the peer still sends until it closes too, for a bounded time and byte count. Closing with
// unread bytes in the socket makes the kernel answer RST, which can destroy our last frames or
// response before the peer read them (RFC 7230 6.6 "lingering close"; nginx and h2o do the same).
#include <chrono>
#include <cstddef>

#include "core/net/tcp_stream.hpp"
#include "core/runtime/task.hpp"

namespace core {

struct LingerLimits {
  Duration max_time = std::chrono::milliseconds(500);
  std::size_t max_bytes = 4 * 1024 * 1024;
};

/// Call once every write has completed; the stream is still to be closed by its owner.
/// Never throws: a reset or timeout only ends the wait.
Task<void> linger_close(TcpStream& stream, LingerLimits limits = {});

}  // namespace core
