#pragma once
/// @file
/// The HTTP/1.1 client of one loop: keep-alive connections pooled per host:port, one deadline
/// over connect + write + read, Content-Length, chunked and read-until-close responses, HEAD.
/// Each worker owns its own Client; nothing in it is shared across threads.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"
#include "wire/http/headers.hpp"
#include "wire/http/limits.hpp"
#include "wire/http/response.hpp"

namespace core::http {

using wire::http::Response;

/// The response could not be used: malformed (bad framing, not HTTP/1.x, a 101), cut off
/// mid-message, or over the header/body limits. `status` is what a gateway answers for it:
/// 502 malformed or truncated, 413 body too large, 431 header block too large.
struct ProtocolError : std::runtime_error {
  ProtocolError(int status, const std::string& what) : std::runtime_error(what), status(status) {}
  int status;
};

struct ClientOptions {
  /// TCP connect (name resolution included), within the request's own deadline.
  Duration connect_timeout = std::chrono::seconds(2);
  /// Default whole-request deadline: waiting for a connection, connect, write and read.
  Duration request_timeout = std::chrono::seconds(5);
  /// Idle keep-alive connections kept per host; more are closed when released.
  std::size_t max_idle_per_host = 64;
  /// Open connections per host (idle + busy + connecting); beyond it a request waits for one
  /// to come free, within its deadline.
  std::size_t max_connections_per_host = 512;
  /// Idle pooled connections older than this are closed, never reused (servers close idle
  /// connections too; ours after 60 s, Go's net/http after its IdleTimeout).
  Duration idle_timeout = std::chrono::seconds(30);
  /// Response limits: header block, header count, body (1 MiB by default; raise it here).
  wire::http::Limits limits;
};

/// An http:// URL split once. Parse a base URL at start-up and reuse it to skip the parse on
/// every call: `auto u = HttpUrl::parse(base); u.target = "/authenticate";`.
struct HttpUrl {
  std::string authority;  ///< "host[:port]" as written: the pool key and the Host header
  std::string host;       ///< what to connect to (an IPv6 literal without its brackets)
  int port = 80;
  std::string target;  ///< origin-form, "/path?query" ("/" when the URL has no path)

  /// Throws std::invalid_argument for anything but http://host[:port][/path][?query]
  /// (https, userinfo, fragments, bad ports, spaces are refused).
  static HttpUrl parse(std::string_view url);
};

class ConnectionPool;

/// Usage, on a loop thread: `Response r = co_await client.get("http://auth:8082/ping");`
///
/// Errors: core::NetError (refused, reset, unknown host, closed before any response),
/// core::TimeoutError (the deadline passed; the connection is closed, never pooled),
/// ProtocolError (malformed or too large response), core::Cancelled (the awaiting chain was
/// cancelled), std::invalid_argument (a URL this client does not speak).
///
/// Destroy a Client only when none of its requests is in flight.
class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Sends method to url and returns the response, whatever its status. Headers are sent as
  /// given; Host and Content-Length come from the serializer. `timeout` overrides
  /// ClientOptions::request_timeout for this call.
  Task<Response> request(std::string method, std::string url, wire::http::Headers headers = {},
                         std::string body = {}, std::optional<Duration> timeout = std::nullopt);
  /// The same with a pre-parsed URL.
  Task<Response> request(std::string method, HttpUrl url, wire::http::Headers headers = {},
                         std::string body = {}, std::optional<Duration> timeout = std::nullopt);

  Task<Response> get(std::string url, wire::http::Headers headers = {},
                     std::optional<Duration> timeout = std::nullopt);
  Task<Response> post(std::string url, std::string body, wire::http::Headers headers = {},
                      std::optional<Duration> timeout = std::nullopt);

  /// Connections this client ever established (observability, tests).
  std::size_t connections_opened() const;
  /// Idle keep-alive connections in the pool now, over all hosts.
  std::size_t idle_connections() const;

  const ClientOptions& options() const;

 private:
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace core::http
