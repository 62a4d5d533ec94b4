#include "core/http/client.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/http/connection_pool.hpp"
#include "wire/http/client_request.hpp"
#include "wire/http/serialize.hpp"

namespace core::http {

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && wire::http::iequals(s.substr(0, prefix.size()), prefix);
}

// Visible ASCII only: a space or control character would split the request line.
bool visible(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return false;
  }
  return true;
}

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
  constexpr std::string_view scheme = "http://";
  if (!starts_with_nocase(text, scheme)) {
    bad_url(text, starts_with_nocase(text, "https://") ? "https is not supported"
                                                       : "only http:// URLs are supported");
  }
  std::string_view rest = text.substr(scheme.size());
  const std::size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  rest = rest.substr(0, rest.find('#'));  // a fragment is never sent
  if (authority.empty()) bad_url(text, "no host");
  if (!visible(authority) || !visible(rest)) bad_url(text, "spaces or control characters");
  if (authority.find('@') != std::string_view::npos) bad_url(text, "userinfo is not supported");

  HttpUrl url;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) bad_url(text, "bad IPv6 literal");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad_url(text, "bad IPv6 literal");
      port = after.substr(1);
      if (port.empty()) bad_url(text, "empty port");
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.empty() || port.empty()) bad_url(text, "bad host:port");
  }
  if (!port.empty()) {
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      bad_url(text, "bad port");
    }
    url.port = value;
  }
  url.authority = std::string(authority);
  url.host = std::string(host);
  if (rest.empty() || rest.front() == '?') {
    url.target.reserve(1 + rest.size());
    url.target = "/";
  }
  url.target.append(rest);
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
