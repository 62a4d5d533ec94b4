#pragma once
// Internal to the HTTP client: keep-alive connections per host:port, the per-host connection
// cap with its queue of waiting requests, and reusable serialization buffers.
#include <coroutine>
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

/// A request waiting for a connection slot of a full host. Lives in the waiting coroutine's
/// frame; the pool hands it either an idle connection or the right to open one.
struct SlotWaiter {
  HostPool* host = nullptr;
  std::coroutine_handle<> h;
  SlotWaiter* next = nullptr;
  SlotWaiter* prev = nullptr;
  std::unique_ptr<ClientConnection> conn;  // handed over; null with `granted`: open one
  bool queued = false;
  bool granted = false;  // resumed with conn or a slot, not yet taken by await_resume
  bool cancelled = false;
  CancelToken::Subscription sub;
};

struct HostPool {
  ConnectionPool* pool = nullptr;
  std::string host;
  int port = 0;
  std::deque<std::unique_ptr<ClientConnection>> idle;  // oldest first; reuse takes the newest
  std::size_t open = 0;                                // slots taken: idle + busy + connecting
  SlotWaiter* first_waiter = nullptr;
  SlotWaiter* last_waiter = nullptr;
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

  class AcquireAwaiter;
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
  // The lease of a finished request hands its connection back (or closes it).
  void release(HostPool& host, std::unique_ptr<ClientConnection> conn, bool keep);
  // Closes conn (if any) and frees its slot, or passes the slot to a waiter.
  void discard(HostPool& host, std::unique_ptr<ClientConnection> conn);
  void close_connection(std::unique_ptr<ClientConnection> conn);
  // Pops the first waiter of `host`, or null.
  static SlotWaiter* next_waiter(HostPool& host);
  static void unlink(SlotWaiter& waiter);
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

class ConnectionPool::AcquireAwaiter {
 public:
  AcquireAwaiter(ConnectionPool* pool, HostPool* host) : pool_(pool), host_(host) {}
  AcquireAwaiter(const AcquireAwaiter&) = delete;
  AcquireAwaiter& operator=(const AcquireAwaiter&) = delete;
  ~AcquireAwaiter();

  bool await_ready();
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    suspend(h, detail::token_of(h));
  }
  Lease await_resume();

 private:
  void suspend(std::coroutine_handle<> h, CancelToken* token);
  static void on_cancel(void* self);

  ConnectionPool* pool_;
  HostPool* host_;
  std::optional<Lease> ready_;  // what await_ready found
  SlotWaiter waiter_;
};

}  // namespace core::http
