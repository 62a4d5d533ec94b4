#pragma once
// Internal to the HTTP client: keep-alive connections per host:port, the per-host connection
// cap with its queue of waiting requests, and reusable serialization buffers.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/http/client.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/runtime/callback_awaiter.hpp"
#include "core/runtime/timer.hpp"
#include "wire/http/response_parser.hpp"

namespace core::http {

/// One keep-alive connection and the parser that follows its responses.
struct ClientConnection {
  ClientConnection(TcpStream s, const wire::http::Limits& limits)
      : stream(std::move(s)), parser(limits) {}
  TcpStream stream;
  wire::http::ResponseParser parser;
  std::uint64_t idle_since_ms = 0;  // loop clock when it went back to the pool
};

struct HostPool;
class SlotAwaiter;

struct HostPool {
  ConnectionPool* pool = nullptr;
  std::string host;
  int port = 0;
  std::deque<std::unique_ptr<ClientConnection>> idle;  // oldest first; reuse takes the newest
  std::size_t open = 0;                                // slots taken: idle + busy + connecting
  SlotAwaiter* first_waiter = nullptr;  // requests waiting for a slot, in arrival order
  SlotAwaiter* last_waiter = nullptr;
};

/// The right to one connection slot of a host for the time of a request. Destroyed without
/// release() (an error, a timeout, a cancellation), it closes the connection: a half-read
/// connection never goes back to the pool.
class Lease {
 public:
  Lease() = default;
  Lease(HostPool* host, std::unique_ptr<ClientConnection> conn, bool reused) noexcept
      : host_(host), conn_(std::move(conn)), reused_(reused) {}
  Lease(Lease&& o) noexcept
      : host_(std::exchange(o.host_, nullptr)), conn_(std::move(o.conn_)), reused_(o.reused_) {}
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();

  ClientConnection* conn() const noexcept { return conn_.get(); }
  /// The connection came from the pool (it served an earlier request).
  bool reused() const noexcept { return reused_; }
  /// A freshly established connection for this slot.
  void attach(std::unique_ptr<ClientConnection> conn) noexcept {
    conn_ = std::move(conn);
    reused_ = false;
  }
  /// Closes the connection but keeps the slot (to open a fresh one in its place).
  void drop() noexcept;
  /// The response was read completely: pool the connection if `keep`, else close it.
  void release(bool keep) noexcept;

 private:
  HostPool* host_ = nullptr;
  std::unique_ptr<ClientConnection> conn_;
  bool reused_ = false;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(ClientOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  const ClientOptions& options() const noexcept { return options_; }
  std::size_t opened() const noexcept { return opened_; }
  std::size_t idle_count() const noexcept { return idle_count_; }

  /// The pool of url's authority, created on first use (hosts are few: a service's peers).
  HostPool& host(const HttpUrl& url);

  using AcquireAwaiter = SlotAwaiter;
  /// A lease on an idle connection of `host`, or on a free slot (conn() null: connect), or,
  /// when the host is at its cap, whichever comes free first. Throws Cancelled.
  AcquireAwaiter acquire(HostPool& host);

  /// Establishes a connection for a leased slot, under connect_timeout.
  Task<std::unique_ptr<ClientConnection>> connect(HostPool* host);

  /// Serialization buffers, reused so the hot path does not allocate one per request.
  std::string take_buffer();
  void give_buffer(std::string buffer);

 private:
  friend class Lease;
  friend class SlotAwaiter;
  // The lease of a finished request hands its connection back (or closes it).
  void release(HostPool& host, std::unique_ptr<ClientConnection> conn, bool keep);
  // Closes conn (if any) and frees its slot, or passes the slot to a waiter.
  void discard(HostPool& host, std::unique_ptr<ClientConnection> conn);
  void close_connection(std::unique_ptr<ClientConnection> conn);
  // Pops the first waiter of `host`, or null.
  static SlotAwaiter* next_waiter(HostPool& host);
  bool usable(const ClientConnection& conn, std::uint64_t now) const;
  void arm_sweep();
  static void on_sweep(void* pool);
  void sweep();

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  ClientOptions options_;
  std::unordered_map<std::string, std::unique_ptr<HostPool>, StringHash, std::equal_to<>> hosts_;
  std::vector<std::string> spare_buffers_;
  std::size_t opened_ = 0;
  std::size_t idle_count_ = 0;
  Timer sweep_timer_;  // closes stale idle connections; runs while any is idle
};

/// `co_await pool.acquire(host)`: an idle connection or a free slot at once, else a place in
/// the host's queue until a released slot is handed over (never resumed inside the releasing
/// request's call) or the chain is cancelled.
class SlotAwaiter final : public CallbackAwaiter<Lease> {
 public:
  SlotAwaiter(ConnectionPool* pool, HostPool* host) : pool_(pool), host_(host) {}
  ~SlotAwaiter() { unlink(); }

  bool await_ready();
  Lease await_resume();

 private:
  friend class ConnectionPool;
  void start() override;
  void stop() noexcept override { unlink(); }
  void unlink() noexcept;
  // The slot of a released request passes to this waiter, with its connection if it kept one.
  void grant(std::unique_ptr<ClientConnection> conn);

  ConnectionPool* pool_;
  HostPool* host_;
  std::optional<Lease> ready_;  // what await_ready found
  SlotAwaiter* next_ = nullptr;
  SlotAwaiter* prev_ = nullptr;
  bool queued_ = false;
};

}  // namespace core::http
