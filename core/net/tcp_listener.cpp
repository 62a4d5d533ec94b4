#include "core/net/tcp_listener.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log/log.hpp"

namespace core {

namespace {

int bound_socket(const std::string& host, int port, bool reuse_port, int* bound_port) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (uv_ip4_addr(host.c_str(), port, v4) == 0) {
    len = sizeof(sockaddr_in);
  } else if (uv_ip6_addr(host.c_str(), port, v6) == 0) {
    family = AF_INET6;
    len = sizeof(sockaddr_in6);
  } else {
    throw std::runtime_error(fmt::format("listen: {} is not an IP address", host));
  }
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(fmt::format("socket: {}", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("SO_REUSEPORT: {}", std::strerror(e)));
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("bind {}:{}: {}", host, port, std::strerror(e)));
  }
  sockaddr_storage got{};
  socklen_t got_len = sizeof got;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &got_len);
  *bound_port = family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&got)->sin_port)
                                  : ntohs(reinterpret_cast<sockaddr_in6*>(&got)->sin6_port);
  return fd;
}

}  // namespace

void TcpListener::listen(const std::string& host, int port, bool reuse_port, OnAccept on_accept,
                         int backlog) {
  int fd = bound_socket(host, port, reuse_port, &port_);
  tcp_ = new_handle<uv_tcp_t>();
  uv_tcp_init(Loop::current().uv(), tcp_);
  tcp_->data = this;
  int rc = uv_tcp_open(tcp_, fd);
  if (rc < 0) {
    ::close(fd);
    close_handle(tcp_);
    tcp_ = nullptr;
    check_uv(rc, "uv_tcp_open");
  }
  on_accept_ = std::move(on_accept);
  rc = uv_listen(reinterpret_cast<uv_stream_t*>(tcp_), backlog, &TcpListener::on_connection);
  if (rc < 0) {
    close();
    check_uv(rc, "listen");
  }
}

void TcpListener::close() noexcept {
  if (tcp_) {
    tcp_->data = nullptr;
    close_handle(tcp_);
    tcp_ = nullptr;
  }
}

void TcpListener::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<TcpListener*>(server->data);
  if (self == nullptr) return;
  if (status < 0) {
    log::warn("accept failed: {}", uv_strerror(status));
    return;
  }
  StreamState* s = StreamState::create(server->loop);
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&s->tcp)) != 0) {
    TcpStream dropped(s);
    return;
  }
  self->on_accept_(TcpStream(s));
}

}  // namespace core
