#include "core/net/tcp_connect.hpp"

#include <fmt/format.h>

#include <cstring>
#include <utility>

#include "core/runtime/callback_awaiter.hpp"

namespace core {

namespace {

// A libuv request outlives an abandoned await: libuv still calls back (req->data is null
// then), and the callback frees it.
class ResolveAwaiter final : public CallbackAwaiter<sockaddr_storage> {
 public:
  ResolveAwaiter(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~ResolveAwaiter() { stop(); }

 private:
  void start() override {
    auto* req = new uv_getaddrinfo_t;
    req->data = this;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    std::string service = std::to_string(port_);
    int rc = uv_getaddrinfo(Loop::current().uv(), req, &on_resolved, host_.c_str(), service.c_str(), &hints);
    if (rc < 0) {
      delete req;
      return failed(rc);
    }
    req_ = req;
  }
  void stop() noexcept override {
    if (req_) std::exchange(req_, nullptr)->data = nullptr;
  }
  void failed(int status) { fail(Resume::now, std::make_exception_ptr(NetError(status, fmt::format("resolve {}", host_)))); }

  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* res) {
    auto* self = static_cast<ResolveAwaiter*>(req->data);
    sockaddr_storage addr{};
    if (status == 0 && res) {
      // Prefer IPv4 when both are offered: our servers listen on 127.0.0.1 by default.
      addrinfo* pick = res;
      for (addrinfo* a = res; a; a = a->ai_next) {
        if (a->ai_family == AF_INET) {
          pick = a;
          break;
        }
      }
      std::memcpy(&addr, pick->ai_addr, pick->ai_addrlen);
    } else if (status == 0) {
      status = UV_EAI_NONAME;
    }
    uv_freeaddrinfo(res);
    delete req;
    if (self == nullptr) return;  // abandoned
    self->req_ = nullptr;
    if (status < 0) return self->failed(status);
    self->complete(Resume::now, addr);
  }

  std::string host_;
  int port_;
  uv_getaddrinfo_t* req_ = nullptr;
};

// Yields libuv's status of the connect.
class ConnectAwaiter final : public CallbackAwaiter<int> {
 public:
  ConnectAwaiter(StreamState* s, const sockaddr* addr) : s_(s), addr_(addr) {}
  ~ConnectAwaiter() { stop(); }

 private:
  void start() override {
    auto* req = new uv_connect_t;
    req->data = this;
    int rc = uv_tcp_connect(req, &s_->tcp, addr_, &on_connect);
    if (rc < 0) {
      delete req;  // no callback will come
      return complete(Resume::now, rc);
    }
    req_ = req;
  }
  // The caller's unwinding closes the stream, which cancels the connect: on_connect frees it.
  void stop() noexcept override {
    if (req_) std::exchange(req_, nullptr)->data = nullptr;
  }
  static void on_connect(uv_connect_t* req, int status) {
    auto* self = static_cast<ConnectAwaiter*>(req->data);
    delete req;
    if (self == nullptr) return;  // abandoned
    self->req_ = nullptr;
    self->complete(Resume::now, status);
  }

  StreamState* s_;
  const sockaddr* addr_;
  uv_connect_t* req_ = nullptr;
};

Task<TcpStream> connect_to(std::string host, int port) {
  sockaddr_storage addr = co_await resolve(host, port);
  TcpStream stream(StreamState::create(Loop::current().uv()));
  int status = co_await ConnectAwaiter(stream.state(), reinterpret_cast<sockaddr*>(&addr));
  if (status < 0) throw NetError(status, fmt::format("connect {}:{}", host, port));
  stream.set_nodelay(true);
  co_return stream;
}

}  // namespace

Task<sockaddr_storage> resolve(std::string host, int port) {
  sockaddr_storage addr{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (uv_ip4_addr(host.c_str(), port, v4) == 0 || uv_ip6_addr(host.c_str(), port, v6) == 0) {
    co_return addr;
  }
  co_return co_await ResolveAwaiter(std::move(host), port);
}

Task<TcpStream> tcp_connect(std::string host, int port, Duration timeout) {
  co_return co_await with_timeout(connect_to(std::move(host), port), timeout);
}

}  // namespace core
