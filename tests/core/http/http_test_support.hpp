#pragma once
// Shared by the HTTP server and client tests: a real Server on 127.0.0.1 port 0, raw reads of
// one response, and the clean stop that lets every connection coroutine finish before the
// test's loop goes away.
#include <csignal>
#include <memory>
#include <string>

#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "core/net/tcp_connect.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/timer.hpp"
#include "wire/http/response_parser.hpp"

namespace core::http::testing {

// Writes to a socket the peer closed raise SIGPIPE; services ignore it in run_workers().
inline const bool kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

inline ServerOptions local_options() {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.reuse_port = false;
  return o;
}

inline std::unique_ptr<Server> start_server(ServerOptions options, Router router) {
  auto server =
      std::make_unique<Server>(std::move(options), std::make_shared<Router>(std::move(router)));
  server->start();
  return server;
}

inline std::string url_of(const Server& server, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

/// Drains the server: returns once every connection coroutine has finished.
inline Task<void> stop_server(Server* server) {
  co_await with_timeout(server->drain(), std::chrono::seconds(5));
}

/// Reads one response from a raw stream (nullopt-free: throws on EOF or a parse error).
inline Task<wire::http::Response> read_response(TcpStream* stream,
                                                wire::http::ResponseParser* parser,
                                                Duration timeout = std::chrono::seconds(5),
                                                bool head = false) {
  Buffer& in = stream->input();
  parser->expect_head_response(head);
  while (true) {
    if (!in.empty()) {
      auto p = parser->feed(in.readable());
      if (p.state == wire::http::ParseState::error) {
        throw std::runtime_error("bad response: " + std::string(parser->error_message()));
      }
      in.consume(p.consumed);
      if (p.state == wire::http::ParseState::complete) co_return parser->take();
    }
    if (co_await stream->read_some(timeout) == 0) {
      if (parser->finish().state == wire::http::ParseState::complete) co_return parser->take();
      throw std::runtime_error("connection closed before a complete response");
    }
  }
}

/// Reads until the peer closes (or resets); returns everything received.
inline Task<std::string> read_until_close(TcpStream* stream,
                                          Duration timeout = std::chrono::seconds(5)) {
  std::string all;
  try {
    while (co_await stream->read_some(timeout) > 0) {
    }
  } catch (const NetError&) {
  }
  all = std::string(stream->input().readable());
  stream->input().consume(all.size());
  co_return all;
}

inline const std::string* header(const wire::http::Response& r, std::string_view name) {
  return wire::http::find_header(r.headers, name);
}

}  // namespace core::http::testing
