#include "core/rpc/client.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "core/log/log.hpp"
#include "core/net/tcp_connect.hpp"
#include "core/runtime/wait_list.hpp"
#include "core/runtime/spawn.hpp"

namespace core::rpc {

namespace {

/// One call waiting for its reply, in the calling coroutine's frame: `co_await pending`.
struct Pending final : CallbackAwaiter<void> {
  Client::Connection* conn = nullptr;
  std::uint64_t seq = 0;
  std::uint64_t started_ms = 0;     // loop time when the call began
  std::uint64_t reads_at_send = 0;  // the connection's reads when the request was queued
  wire::rpc::Reply reply;

  void answer(wire::rpc::Reply r) {
    reply = std::move(r);
    complete(Resume::next_turn);
  }
  /// The connection broke.
  void lose(std::exception_ptr why) { fail(Resume::next_turn, std::move(why)); }

 private:
  void start() override {}
  void stop() override;  // the caller gave up (deadline)
};

}  // namespace

struct Client::Connection {
  enum class State { connecting, open, broken };
  State state = State::connecting;
  std::string address;  // host:port, for errors
  Duration call_timeout{};
  CancelToken token;  // the reader, the writer and the connect
  TcpStream stream;
  std::unique_ptr<wire::rpc::ClientCodec> codec;
  WaitList opened;
  std::exception_ptr connect_error;
  std::string out;
  std::string sending;
  bool writing = false;
  std::uint64_t reads = 0;  // reads that brought bytes
  std::uint64_t next_seq = 0;
  std::unordered_map<std::uint64_t, Pending*> pending;
  std::size_t running = 0;  // its reader and writer coroutines alive
  WaitList ended;           // close() waits here for them to end

  /// Fails every call in flight with `why` and closes; the pool replaces the connection.
  void fail(const std::exception_ptr& why) {
    if (state == State::broken) return;
    state = State::broken;
    stream.close();
    for (auto& [seq, p] : pending) p->lose(why);
    pending.clear();
  }
};

namespace {

using Connection = Client::Connection;

/// Counts a coroutine of the connection while it runs (close() waits for none to be left).
struct Running {
  explicit Running(Connection* c) : c(c) { ++c->running; }
  ~Running() {
    if (--c->running == 0) c->ended.notify_all();
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  Connection* c;
};

/// What the calls of a connection that broke fail with: NetError (the callee is unavailable).
std::exception_ptr lost(const Connection& c, int code) {
  return std::make_exception_ptr(
      NetError(code, fmt::format("rpc connection to {} lost", c.address)));
}

// Writes the requests that accumulated during this turn of the loop in one write.
Task<void> write_requests(std::shared_ptr<Connection> c) {
  Running running(c.get());
  try {
    co_await yield();
    while (!c->out.empty() && c->state == Connection::State::open) {
      c->sending.swap(c->out);
      co_await c->stream.write(c->sending, c->call_timeout);
      c->sending.clear();
    }
  } catch (const NetError& e) {
    c->fail(lost(*c, e.code));
  } catch (const TimeoutError&) {
    c->fail(lost(*c, UV_ETIMEDOUT));  // the server stopped reading
  } catch (const std::exception&) {
    c->fail(lost(*c, UV_ECANCELED));
  }
  c->writing = false;
}

void complete(Connection* c, wire::rpc::Reply reply) {
  auto it = c->pending.find(reply.seq);
  if (it == c->pending.end()) return;  // its call gave up (deadline): dropped
  Pending* p = it->second;
  c->pending.erase(it);
  p->answer(std::move(reply));
}

// Connects, then reads replies until the connection ends.
Task<void> run_connection(std::shared_ptr<Connection> c, std::string host, int port,
                          Duration connect_timeout) {
  Running running(c.get());
  try {
    c->stream = co_await tcp_connect(host, port, connect_timeout);
    c->stream.set_nodelay(true);
    uv_tcp_keepalive(c->stream.handle(), 1, 60);
    c->state = Connection::State::open;
  } catch (const NetError& e) {
    c->connect_error =
        std::make_exception_ptr(NetError(e.code, fmt::format("rpc connect to {}", c->address)));
  } catch (const TimeoutError&) {
    c->connect_error = std::make_exception_ptr(
        NetError(UV_ETIMEDOUT, fmt::format("rpc connect to {}", c->address)));
  } catch (const std::exception& e) {
    c->connect_error = std::make_exception_ptr(
        NetError(UV_ECONNABORTED, fmt::format("rpc connect to {}: {}", c->address, e.what())));
  }
  c->opened.notify_all();
  if (c->connect_error) {
    c->state = Connection::State::broken;
    co_return;
  }
  try {
    Buffer& in = c->stream.input();
    for (;;) {
      for (;;) {
        auto p = c->codec->feed(in.readable());
        in.consume(p.consumed);
        if (p.status == wire::rpc::DecodeStatus::need_more) break;
        if (p.status == wire::rpc::DecodeStatus::error) throw ProtocolError(c->codec->error());
        complete(c.get(), c->codec->take());
      }
      // No read timeout: every call carries its own deadline (see Pending::stop for a peer
      // that went silent).
      if (co_await c->stream.read_some() == 0) throw NetError(UV_EOF, "read");
      ++c->reads;
    }
  } catch (const ProtocolError& e) {
    log::warn("rpc connection to {}: {}", c->address, e.what());
    c->fail(std::make_exception_ptr(e));
  } catch (const NetError& e) {
    c->fail(lost(*c, e.code));
  } catch (const std::exception&) {
    c->fail(lost(*c, UV_ECANCELED));
  }
}

void Pending::stop() {
  Connection* c = conn;
  c->pending.erase(seq);  // a late reply finds no one and is dropped
  // Not a byte back for a whole call deadline: a peer that vanished without closing (the
  // socket would otherwise look open forever). The next call connects afresh.
  std::uint64_t now = Loop::current().now_ms();
  auto deadline = static_cast<std::uint64_t>(c->call_timeout.count());
  if (c->state == Connection::State::open && c->reads == reads_at_send &&
      now - started_ms >= deadline) {
    c->fail(std::make_exception_ptr(NetError(
        UV_ETIMEDOUT, fmt::format("rpc connection to {}: no reply within {} ms", c->address, deadline))));
  }
}

Task<std::string> call_on(std::shared_ptr<Connection> c, std::size_t max_in_flight,
                          std::string method, Payload payload, std::uint64_t started_ms) {
  while (c->state == Connection::State::connecting) co_await c->opened.wait();
  if (c->state == Connection::State::broken) {
    if (c->connect_error) std::rethrow_exception(c->connect_error);
    throw NetError(UV_ECONNRESET, fmt::format("rpc connection to {} lost", c->address));
  }
  if (c->pending.size() >= max_in_flight) {
    throw NetError(UV_EBUSY,
                   fmt::format("rpc: {} calls in flight to {}", c->pending.size(), c->address));
  }
  Pending p;
  p.conn = c.get();
  p.seq = c->next_seq++;
  p.started_ms = started_ms;
  p.reads_at_send = c->reads;
  c->codec->encode_call(c->out, method, p.seq, payload);
  c->pending.emplace(p.seq, &p);
  // A lone call goes out at once; with others in flight, the requests of this turn of the
  // loop are gathered into one write.
  if (!c->writing && !(c->pending.size() == 1 && c->stream.write_now(c->out))) {
    c->writing = true;
    spawn(write_requests(c), &c->token, "rpc request writer");
  }
  co_await p;
  switch (p.reply.outcome) {
    case wire::rpc::Reply::Outcome::ok:
      co_return std::move(p.reply.text);
    case wire::rpc::Reply::Outcome::error:
      throw Error(p.reply.text);
    case wire::rpc::Reply::Outcome::malformed:
      break;
  }
  throw ProtocolError(p.reply.text);
}

}  // namespace

Client::Client(ClientOptions options) : options_(std::move(options)) {
  if (options_.connections == 0) options_.connections = 1;
  pool_.resize(options_.connections);
}

Client::~Client() {
  for (auto& c : pool_) {
    if (!c) continue;
    c->token.cancel();
    c->fail(std::make_exception_ptr(NetError(UV_ECANCELED, "rpc client closed")));
  }
}

Task<void> Client::close() {
  closed_ = true;
  auto closed = std::make_exception_ptr(NetError(UV_ECANCELED, "rpc client closed"));
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& c : pool_) {
    if (c) all.push_back(std::move(c));
  }
  for (auto& c : all) {
    c->token.cancel();
    c->fail(closed);
  }
  for (auto& c : all) {
    while (c->running > 0) co_await c->ended.wait_uncancellable();
  }
}

std::size_t Client::open_connections() const noexcept {
  std::size_t n = 0;
  for (const auto& c : pool_) n += c && c->state == Connection::State::open;
  return n;
}

std::shared_ptr<Client::Connection> Client::pick() {
  if (closed_) throw NetError(UV_ECANCELED, "rpc client closed");
  std::size_t slot = next_++ % pool_.size();
  auto& c = pool_[slot];
  if (!c || c->state == Connection::State::broken) {
    c = std::make_shared<Connection>();
    c->address = fmt::format("{}:{}", options_.host, options_.port);
    c->call_timeout = options_.call_timeout;
    c->codec = wire::rpc::make_client_codec(options_.codec);
    spawn(run_connection(c, options_.host, options_.port, options_.connect_timeout), &c->token,
          "rpc connection");
  }
  return c;
}

Task<std::string> Client::call(std::string method, Payload payload) {
  co_return co_await with_timeout(call_on(pick(), options_.max_in_flight, std::move(method),
                                          std::move(payload), Loop::current().now_ms()),
                                  options_.call_timeout);
}

}  // namespace core::rpc
