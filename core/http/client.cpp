#include "core/http/client.hpp"

#include <fmt/format.h>

#include "core/http/connection_pool.hpp"
#include "wire/http/client_request.hpp"
#include "wire/http/serialize.hpp"
#include "wire/url/url.hpp"

namespace core::http {

namespace {

[[noreturn]] void bad_url(std::string_view url, std::string_view why) {
  throw std::invalid_argument(fmt::format("bad URL '{}': {}", url, why));
}

// The serialized request, in a buffer borrowed from the pool for the request's lifetime.
struct RequestBytes {
  explicit RequestBytes(ConnectionPool* p) : pool(p), bytes(p->take_buffer()) {}
  ~RequestBytes() { pool->give_buffer(std::move(bytes)); }
  RequestBytes(const RequestBytes&) = delete;
  RequestBytes& operator=(const RequestBytes&) = delete;
  ConnectionPool* pool;
  std::string bytes;
};

[[noreturn]] void protocol_error(const HostPool& host, const wire::http::ResponseParser& parser) {
  const int status = parser.error_status() != 0 ? parser.error_status() : 502;
  throw ProtocolError(status, fmt::format("bad response from {}:{}: {}", host.host, host.port,
                                          parser.error_message()));
}

// One request on a leased connection, the retry included. Runs under the caller's deadline:
// a timeout or cancellation unwinds through the Lease, which closes the connection.
//
// A pooled connection can have been closed by the server while idle (its idle timeout, a
// restart) and the close can cross our request on the wire. When a REUSED connection fails
// before a single response byte arrived, the request is sent once more on a fresh connection:
// the server dropped an idle connection, so it did not act on what it never answered. That is
// what Go's net/http and most pools do. The caveat is a non-idempotent request that reached a
// server which then crashed before its first response byte: it runs twice. Our POSTs are
// idempotent where it matters (the logger dedupes on Idempotency-Key), so we retry every method.
// A fresh connection is never retried: its failure is the answer.
Task<Response> exchange(ConnectionPool* pool, std::string method, HttpUrl url,
                        wire::http::Headers headers, std::string body) {
  HostPool& host = pool->host(url);
  const bool head = method == "HEAD";
  RequestBytes out(pool);
  {
    wire::http::ClientRequest req{std::move(method), std::move(url.target),
                                  std::move(url.authority), std::move(headers), std::move(body)};
    wire::http::serialize_request(req, out.bytes);
  }

  Lease lease = co_await pool->acquire(host);
  for (int attempt = 0;; ++attempt) {
    if (lease.conn() == nullptr) lease.attach(co_await pool->connect(&host));
    ClientConnection& c = *lease.conn();
    Buffer& in = c.stream.input();
    bool got_bytes = false;
    int early_error = 0;  // the connection failed before any response byte
    try {
      c.parser.expect_head_response(head);
      try {
        co_await c.stream.write(out.bytes);
      } catch (const NetError& e) {
        // The server may have answered early and closed (a 413 for a body it will not read):
        // what it sent is still to be read, so the write error alone is not the outcome.
        early_error = e.code;
      }
      while (true) {
        if (!in.empty()) {
          got_bytes = true;
          const auto p = c.parser.feed(in.readable());
          if (p.state == wire::http::ParseState::error) protocol_error(host, c.parser);
          in.consume(p.consumed);
          if (p.state == wire::http::ParseState::complete) {
            // Bytes after the response are not ours to interpret, and a stream whose write
            // failed is done: do not reuse either.
            const bool keep = c.parser.keep_alive() && in.empty() && early_error == 0;
            Response response = c.parser.take();
            lease.release(keep);
            co_return response;
          }
        }
        if (co_await c.stream.read_some() == 0) {
          if (!got_bytes) {
            if (early_error == 0) early_error = UV_EOF;
            break;
          }
          // A body delimited by the close completes here; anything else was cut off.
          if (c.parser.finish().state != wire::http::ParseState::complete)
            protocol_error(host, c.parser);
          Response response = c.parser.take();
          lease.release(false);
          co_return response;
        }
      }
    } catch (const NetError& e) {
      if (got_bytes) throw;
      if (early_error == 0) early_error = e.code;
    }
    if (lease.reused() && attempt == 0) {
      lease.drop();
      continue;
    }
    throw NetError(early_error,
                   fmt::format("{}:{}: connection closed before a response", host.host, host.port));
  }
}

}  // namespace

HttpUrl HttpUrl::parse(std::string_view text) {
  const std::string_view sent = text.substr(0, text.find('#'));  // a fragment is never sent
  auto u = wire::parse_url(sent);
  if (!u) bad_url(text, "not http://host[:port][/path][?query] (or a bad port, space or control character)");
  if (u->scheme == "https") bad_url(text, "https is not supported");
  if (u->scheme != "http") bad_url(text, "only http:// URLs are supported");
  if (!u->userinfo.empty()) bad_url(text, "userinfo is not supported");
  if (u->hosts.size() != 1) bad_url(text, "one host only");

  HttpUrl url;
  const wire::UrlHost& h = u->hosts.front();
  url.authority = h.port ? h.host + ":" + std::to_string(h.port) : h.host;
  url.host = h.host.starts_with('[') ? h.host.substr(1, h.host.size() - 2) : h.host;
  if (h.port) url.port = h.port;
  url.target = u->path.empty() ? "/" : u->path;
  if (!u->query.empty()) url.target += "?" + u->query;
  return url;
}

Client::Client(ClientOptions options)
    : pool_(std::make_unique<ConnectionPool>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Task<Response> Client::request(std::string method, HttpUrl url, wire::http::Headers headers,
                               std::string body, std::optional<Duration> timeout) {
  const Duration deadline = timeout.value_or(pool_->options().request_timeout);
  co_return co_await with_timeout(
      exchange(pool_.get(), std::move(method), std::move(url), std::move(headers), std::move(body)),
      deadline);
}

// The string forms parse on the call (so a bad URL throws there) and hand over to the
// coroutine above: no extra coroutine frame per request.
Task<Response> Client::request(std::string method, std::string url, wire::http::Headers headers,
                               std::string body, std::optional<Duration> timeout) {
  return request(std::move(method), HttpUrl::parse(url), std::move(headers), std::move(body),
                 timeout);
}

Task<Response> Client::get(std::string url, wire::http::Headers headers,
                           std::optional<Duration> timeout) {
  return request("GET", HttpUrl::parse(url), std::move(headers), {}, timeout);
}

Task<Response> Client::post(std::string url, std::string body, wire::http::Headers headers,
                            std::optional<Duration> timeout) {
  return request("POST", HttpUrl::parse(url), std::move(headers), std::move(body), timeout);
}

std::size_t Client::connections_opened() const { return pool_->opened(); }
std::size_t Client::idle_connections() const { return pool_->idle_count(); }
const ClientOptions& Client::options() const { return pool_->options(); }

}  // namespace core::http
