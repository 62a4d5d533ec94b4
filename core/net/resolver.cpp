#include "core/net/resolver.hpp"

#include <uv.h>

#include <cstring>

#include "core/runtime/loop.hpp"

namespace core {

struct Resolver::Request {
  uv_getaddrinfo_t req;
  Resolver* owner;
  Callback fn;
  void* arg;
};

int Resolver::start(const std::string& host, int port, Callback fn, void* arg) {
  cancel();
  auto* r = new Request{{}, this, fn, arg};
  r->req.data = r;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  const std::string service = port > 0 ? std::to_string(port) : std::string();
  int rc = uv_getaddrinfo(Loop::current().uv(), &r->req, &Resolver::on_resolved, host.c_str(),
                          port > 0 ? service.c_str() : nullptr, &hints);
  if (rc < 0) {
    delete r;  // no callback will come
    return rc;
  }
  req_ = r;
  return 0;
}

void Resolver::cancel() noexcept {
  if (req_ == nullptr) return;
  req_->owner = nullptr;
  // A lookup not yet begun leaves libuv's queue; one running finishes: the callback still
  // comes, frees the request and tells no one.
  uv_cancel(reinterpret_cast<uv_req_t*>(&req_->req));
  req_ = nullptr;
}

void Resolver::on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* res) {
  auto* r = static_cast<Request*>(req->data);
  std::vector<sockaddr_storage> addresses;
  for (addrinfo* ai = status == 0 ? res : nullptr; ai; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    sockaddr_storage addr{};
    std::memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    addresses.push_back(addr);
  }
  uv_freeaddrinfo(res);
  Resolver* owner = r->owner;
  Callback fn = r->fn;
  void* arg = r->arg;
  delete r;
  if (owner == nullptr) return;  // cancelled
  owner->req_ = nullptr;
  fn(arg, status, addresses);
}

std::string address_text(const sockaddr_storage& addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&addr), buf, sizeof buf);
  } else if (addr.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&addr), buf, sizeof buf);
  }
  return buf;
}

}  // namespace core
