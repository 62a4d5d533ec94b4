#pragma once
/// @file
/// Host name lookup through uv_getaddrinfo (libuv's own thread pool), owned like any C++
/// object: cancel() or the destructor means the callback never comes, although libuv still
/// holds the request until its pool finishes with it (the request frees itself then).
#include <sys/socket.h>

#include <string>
#include <vector>

struct uv_getaddrinfo_s;
struct addrinfo;

namespace core {

class Resolver {
 public:
  /// status: 0, or libuv's error (UV_EAI_*). addresses: the stream addresses found, IPv4 and
  /// IPv6 only, in the resolver's order (possibly none even when status is 0).
  using Callback = void (*)(void* arg, int status, std::vector<sockaddr_storage>& addresses);

  Resolver() = default;
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;
  ~Resolver() { cancel(); }

  /// Looks host up (port 0: none in the addresses); fn(arg, ...) is called once from a later
  /// turn of the loop. Cancels a lookup still pending. Returns libuv's error (< 0), with no
  /// callback to come, when the lookup cannot start.
  int start(const std::string& host, int port, Callback fn, void* arg);
  /// Drops the pending lookup, if any.
  void cancel() noexcept;
  bool pending() const noexcept { return req_ != nullptr; }

 private:
  struct Request;
  static void on_resolved(uv_getaddrinfo_s* req, int status, ::addrinfo* res);
  Request* req_ = nullptr;
};

/// The numeric text of an IPv4 or IPv6 address ("127.0.0.1", "::1"); empty for other families.
std::string address_text(const sockaddr_storage& addr);

}  // namespace core
