#include "core/net/tcp_connect.hpp"

#include <fmt/format.h>

#include <cstring>

namespace core {

namespace {

// The request outlives an abandoned await: libuv still calls back, and then it frees itself.
struct ResolveReq {
  uv_getaddrinfo_t req;
  std::coroutine_handle<> h;
  bool abandoned = false;
  int status = 0;
  sockaddr_storage addr{};
  CancelToken::Subscription sub;
};

struct ResolveAwaiter {
  std::string host;
  int port;
  ResolveReq* r = nullptr;
  bool cancelled = false;
  int status = 0;
  sockaddr_storage addr{};

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    r = new ResolveReq{};
    r->h = h;
    r->req.data = r;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    std::string service = std::to_string(port);
    int rc = uv_getaddrinfo(Loop::current().uv(), &r->req, &on_resolved, host.c_str(), service.c_str(), &hints);
    if (rc < 0) {
      delete r;
      r = nullptr;
      status = rc;
      Loop::current().defer(h);
      return;
    }
    r->sub.subscribe(detail::token_of(h), &on_cancel, this);
  }
  sockaddr_storage await_resume() {
    if (cancelled) throw Cancelled();
    if (r) {
      status = r->status;
      addr = r->addr;
      delete r;
    }
    if (status < 0) throw NetError(status, fmt::format("resolve {}", host));
    return addr;
  }
  static void on_cancel(void* p) {
    auto* self = static_cast<ResolveAwaiter*>(p);
    self->cancelled = true;
    self->r->abandoned = true;
    auto h = self->r->h;
    self->r = nullptr;  // freed by on_resolved
    Loop::current().defer(h);
  }
  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* res) {
    auto* r = static_cast<ResolveReq*>(req->data);
    if (status == 0 && res) {
      // Prefer IPv4 when both are offered: our servers listen on 127.0.0.1 by default.
      addrinfo* pick = res;
      for (addrinfo* a = res; a; a = a->ai_next) {
        if (a->ai_family == AF_INET) {
          pick = a;
          break;
        }
      }
      std::memcpy(&r->addr, pick->ai_addr, pick->ai_addrlen);
    } else if (status == 0) {
      status = UV_EAI_NONAME;
    }
    r->status = status;
    uv_freeaddrinfo(res);
    if (r->abandoned) {
      delete r;
      return;
    }
    r->sub.reset();
    r->h.resume();
  }
};

struct ConnectReq {
  uv_connect_t req;
  std::coroutine_handle<> h;
  bool abandoned = false;
  int status = 0;
};

struct ConnectAwaiter {
  StreamState* s;
  const sockaddr* addr;
  ConnectReq* r = nullptr;
  bool cancelled = false;
  CancelToken::Subscription sub;

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    r = new ConnectReq{};
    r->h = h;
    r->req.data = r;
    int rc = uv_tcp_connect(&r->req, &s->tcp, addr, &on_connect);
    if (rc < 0) {
      r->status = rc;
      r->abandoned = true;  // no callback will come
      Loop::current().defer(h);
      return;
    }
    sub.subscribe(detail::token_of(h), &on_cancel, this);
  }
  int await_resume() {
    if (cancelled) throw Cancelled();
    int st = r->status;
    delete r;
    return st;
  }
  static void on_cancel(void* p) {
    auto* self = static_cast<ConnectAwaiter*>(p);
    self->cancelled = true;
    self->r->abandoned = true;
    auto h = self->r->h;
    self->r = nullptr;  // on_connect frees it when the close below cancels the connect
    Loop::current().defer(h);
  }
  static void on_connect(uv_connect_t* req, int status) {
    auto* r = static_cast<ConnectReq*>(req->data);
    if (r->abandoned) {
      delete r;
      return;
    }
    r->status = status;
    r->h.resume();
  }
};

Task<TcpStream> connect_to(std::string host, int port) {
  sockaddr_storage addr = co_await resolve(host, port);
  TcpStream stream(StreamState::create(Loop::current().uv()));
  ConnectAwaiter connecting{stream.state(), reinterpret_cast<sockaddr*>(&addr), nullptr, false, {}};
  int status = co_await connecting;
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
  co_return co_await ResolveAwaiter{std::move(host), port};
}

Task<TcpStream> tcp_connect(std::string host, int port, Duration timeout) {
  co_return co_await with_timeout(connect_to(std::move(host), port), timeout);
}

}  // namespace core
