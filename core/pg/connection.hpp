#pragma once
// Internal to core/pg: one libpq connection on the loop. connection.cpp drives its life -
// non-blocking connect on a uv_poll of PQsocket, pipeline mode, loss, reconnect with backoff;
// pipeline.cpp its traffic - sending requests, routing results to them in FIFO order.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/pg/cancel.hpp"
#include "core/pg/conninfo.hpp"
#include "core/pg/request.hpp"
#include "core/pg/wrappers.hpp"
#include "core/net/resolver.hpp"
#include "core/runtime/poll_handle.hpp"
#include "core/runtime/timer.hpp"

namespace core::pg {

struct PoolOptions;

class Connection {
 public:
  enum class State { connecting, ready, backoff, closed };

  /// `on_change` runs (never inline in a caller's call) when the connection became ready,
  /// freed pipeline slots or was lost.
  Connection(int index, const PoolOptions& options, const ConnInfo& conninfo,
             CancelSender& canceller, std::function<void(Connection&)> on_change);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// First connect.
  void start();
  /// Fails everything in flight with ConnectionError(why) and stops for good.
  void close(const std::string& why);

  int index() const noexcept { return index_; }
  State state() const noexcept { return state_; }
  bool ready() const noexcept { return state_ == State::ready; }
  std::size_t in_flight() const noexcept { return inflight_.size(); }
  /// Numbers each established session: a Pinned handle is bound to one.
  std::uint64_t session() const noexcept { return session_; }
  const std::string& last_error() const noexcept { return last_error_; }

  bool pinned = false;  // reserved by a Pinned handle: the pool sends nothing else here

  /// Sends req's statements and its sync. Must be ready(). A send failure fails the
  /// connection, and req with everything else in flight.
  void send(const RequestPtr& req);
  /// req's awaiter gave up: it is cancelled on the server if it is the one executing.
  void abandon(Request& req);
  /// After a pinned use: rolls back a transaction that may have been left open.
  void tidy_session();

 private:
  // connection.cpp
  void connect();
  void resolve();
  static void on_resolved(void* arg, int status, std::vector<sockaddr_storage>& found);
  void begin_connect(const std::vector<std::string>& addresses);
  void connect_step();
  void established();
  void fail(const std::string& why);
  void watch(int events);
  void unwatch();
  static void on_poll(void* arg, int status, int events);
  static void on_timer(void* arg);
  void arm_timer(Duration d);
  // pipeline.cpp
  void on_io(int events);
  bool flush();
  void drain();
  bool route(ResultPtr res);
  void complete_head();
  bool should_send_again(const Request& req);
  void cancel_head_if_abandoned();
  bool cancel_recent() const;
  void notify();

  int index_;
  const PoolOptions& options_;
  const ConnInfo& conninfo_;
  CancelSender& canceller_;
  std::function<void(Connection&)> on_change_;

  State state_ = State::closed;
  ConnPtr conn_;
  Poll poll_;
  // Connect deadline or reconnect backoff; once ready, the next cancel of an abandoned head that
  // is still running.
  Timer timer_;
  Resolver resolver_;  // host name lookup in flight
  Duration backoff_;
  std::uint64_t session_ = 0;
  int failures_ = 0;  // consecutive failed connects
  std::string last_error_;

  std::deque<RequestPtr> inflight_;  // sent, in the order their results come back
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // Statement names with a Prepare sent on this session (succeeded or still on its way), each
  // with the send serial of the request that carried it: a failed Prepare forgets its name
  // only if no later request prepared it again.
  std::unordered_map<std::string, std::uint64_t, NameHash, std::equal_to<>> prepared_;
  std::uint64_t send_serial_ = 0;
  std::shared_ptr<CancelWindow> cancels_ = std::make_shared<CancelWindow>();
  bool want_write_ = false;
  bool in_drain_ = false;
  bool changed_ = false;  // on_change_ owed at the end of the current callback
};

}  // namespace core::pg
