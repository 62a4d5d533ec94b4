#include "core/net/linger.hpp"

#include <sys/socket.h>

#include "core/runtime/loop.hpp"

namespace core {

Task<void> linger_close(TcpStream& stream, LingerLimits limits) {
  if (!stream.is_open()) co_return;
  uv_os_fd_t fd = -1;
  if (uv_fileno(reinterpret_cast<const uv_handle_t*>(stream.handle()), &fd) != 0) co_return;
  ::shutdown(fd, SHUT_WR);  // every write has completed: libuv has nothing queued
  const std::uint64_t until = Loop::current().now_ms() + static_cast<std::uint64_t>(limits.max_time.count());
  std::size_t dropped = 0;
  try {
    while (dropped < limits.max_bytes) {
      std::uint64_t now = Loop::current().now_ms();
      if (now >= until) break;
      if (co_await stream.read_some(Duration(until - now)) == 0) break;
      dropped += stream.input().size();
      stream.input().consume(stream.input().size());
    }
  } catch (const std::exception&) {
  }
}

}  // namespace core
