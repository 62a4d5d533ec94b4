#pragma once
// Internal to the HTTP server: one client connection, from accept to close. Reads requests
// (pipelined ones too), has the server answer each, writes the answers of a batch at once,
// and enforces the header, body, idle and write timeouts; at the end a stalled request gets
// its 408, and a connection closed after a parse error lingers so the client reads the error.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/http/server.hpp"
#include "wire/http/request_parser.hpp"

namespace core::http {

// Busy between the first byte of a request and the end of writing its response: drain() lets
// such a connection finish instead of cutting it. Counted as open while it lives.
struct Server::Connection : ConnectionSet::Member {
  Connection();
  ~Connection();
};

class Session {
 public:
  Session(Server* server, TcpStream stream, std::unique_ptr<Server::Connection> conn);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Runs the session to its end (spawned under the connection's token).
  static Task<void> run(std::unique_ptr<Session> self);

 private:
  Task<void> serve();
  /// The next complete request in the input, if any. Queues a 100 Continue for a client that
  /// waits for one; on a parse error queues the error answer and ends the session.
  std::optional<Request> next_request();
  /// Queues resp as the answer to req; decides whether the connection stays open.
  void queue_answer(const Request& req, const Response& resp);
  /// How long the next read may take: what is left of the header or body time of a request
  /// begun, else the idle timeout.
  Duration read_wait() const;
  /// The end: a 408 for a request cut by its timeout, or the linger after a parse error.
  Task<void> close_politely(bool timed_out);

  Server* server_;  // valid while !conn_->detached()
  std::unique_ptr<Server::Connection> conn_;  // leaves the server's set when the session ends
  TcpStream stream_;
  // Copied: the Server may be destroyed while the session is suspended.
  Duration header_timeout_, body_timeout_, idle_timeout_, write_timeout_;
  std::shared_ptr<const Router> router_;  // outlives the requests in flight
  wire::http::RequestParser parser_;
  std::string out_;   // answers not yet written
  std::string peer_;  // "ip:port", looked up once
  std::uint64_t started_at_ = 0;  // loop time of the first byte of the current request
  std::uint64_t headers_at_ = 0;  // and of the end of its headers
  bool close_ = false;
  bool parse_failed_ = false;
  bool continue_sent_ = false;
};

}  // namespace core::http
