#pragma once
// A listening socket on the calling loop. With reuse_port every worker binds the same port and
// the kernel spreads connections (libuv 1.44 has no flag for SO_REUSEPORT: the socket is made
// and bound by hand, then handed to uv_tcp_open).
#include <uv.h>

#include <functional>
#include <string>

#include "core/net/tcp_stream.hpp"

namespace core {

class TcpListener {
 public:
  using OnAccept = std::function<void(TcpStream)>;

  TcpListener() = default;
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  ~TcpListener() { close(); }

  /// Binds host:port (port 0 picks a free one) and starts accepting; throws on failure.
  void listen(const std::string& host, int port, bool reuse_port, OnAccept on_accept,
              int backlog = 1024);
  /// The bound port (useful with port 0).
  int port() const noexcept { return port_; }
  /// Stops accepting (drain); established streams are not touched.
  void close() noexcept;

 private:
  static void on_connection(uv_stream_t* server, int status);
  uv_tcp_t* tcp_ = nullptr;
  OnAccept on_accept_;
  int port_ = 0;
};

}  // namespace core
