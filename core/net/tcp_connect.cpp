#include "core/net/tcp_connect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/net/resolver.hpp"
#include "core/runtime/callback_awaiter.hpp"

namespace core {

namespace {

// The lookup is the Resolver's: an abandoned await cancels it, and no callback reaches here.
class ResolveAwaiter final : public CallbackAwaiter<sockaddr_storage> {
 public:
  ResolveAwaiter(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~ResolveAwaiter() { stop(); }

 private:
  void start() override {
    if (int rc = resolver_.start(host_, port_, &on_resolved, this); rc < 0) failed(rc);
  }
  void stop() noexcept override { resolver_.cancel(); }
  void failed(int status) {
    fail(Resume::now, std::make_exception_ptr(NetError(status, fmt::format("resolve {}", host_))));
  }

  static void on_resolved(void* arg, int status, std::vector<sockaddr_storage>& addresses) {
    auto* self = static_cast<ResolveAwaiter*>(arg);
    if (status < 0) return self->failed(status);
    if (addresses.empty()) return self->failed(UV_EAI_NONAME);
    // Prefer IPv4 when both are offered: our servers listen on 127.0.0.1 by default.
    auto pick = std::find_if(addresses.begin(), addresses.end(),
                             [](const sockaddr_storage& a) { return a.ss_family == AF_INET; });
    self->complete(Resume::now, pick != addresses.end() ? *pick : addresses.front());
  }

  std::string host_;
  int port_;
  Resolver resolver_;
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
