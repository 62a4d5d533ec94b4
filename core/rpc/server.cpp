#include "core/rpc/server.hpp"

#include <algorithm>
#include <chrono>

#include "core/log/log.hpp"
#include "core/rpc/server_metrics.hpp"
#include "core/runtime/wait_list.hpp"
#include "core/runtime/spawn.hpp"

namespace core::rpc {

// Its token (from ConnectionSet::Member) is everything of this connection: the hard cut. `busy`
// stays unused: drain() stops the reading of every connection instead (stop_reading), and each
// closes once its calls in flight are answered. Counted as open while it lives.
struct Server::Connection : ConnectionSet::Member {
  Connection() { server_metrics().open_connections.inc(); }
  ~Connection() { server_metrics().open_connections.dec(); }
  std::shared_ptr<const Registry> registry;
  Duration write_timeout{};
  CancelToken read_token{&token};  // only the reading (drain, broken writes)
  TcpStream stream;
  std::unique_ptr<wire::rpc::ServerCodec> codec;
  std::string out;      // replies waiting for the writer
  std::string sending;  // replies being written
  bool writing = false;
  bool broken = false;
  bool decoding = false;      // the reader is going through a batch of calls
  std::size_t in_flight = 0;  // call coroutines alive (the writer counts as one)
  WaitList progress;  // the reader waits here for a free slot, or for the end
};

namespace {

using Connection = Server::Connection;

/// Keeps a connection alive while a coroutine of it runs; wakes the reader when done.
struct InFlight {
  explicit InFlight(Connection* c) : c(c) { ++c->in_flight; }
  ~InFlight() {
    --c->in_flight;
    c->progress.notify_all();
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  Connection* c;
};

// Writes whatever replies have accumulated. It first lets the loop finish its turn, so that the
// replies of calls completing together leave in one write.
Task<void> write_replies(Connection* c) {
  InFlight guard(c);
  try {
    co_await yield();
    while (!c->out.empty() && !c->broken) {
      c->sending.swap(c->out);
      co_await c->stream.write(c->sending, c->write_timeout);
      c->sending.clear();
    }
  } catch (const std::exception& e) {
    log::debug("rpc connection: write failed: {}", e.what());
    c->broken = true;
    c->read_token.cancel();  // stop reading; the connection closes when its calls are done
  }
  c->writing = false;
}

// Writes the replies gathered so far: at once if the socket takes them, else by the writer.
void flush(Connection* c) {
  if (c->out.empty() || c->writing || c->broken) return;
  if (c->stream.write_now(c->out)) return;
  c->writing = true;
  spawn(write_replies(c), &c->token, "rpc reply writer");
}

// A reply was added to c->out. While the reader is decoding a batch of calls it flushes them
// all after the batch; a lone call is answered at once; replies of calls that complete in the
// same turn of the loop are gathered into one write.
void send(Connection* c) {
  if (c->writing || c->broken || c->decoding) return;
  if (c->in_flight == 1) {
    flush(c);
    return;
  }
  c->writing = true;
  spawn(write_replies(c), &c->token, "rpc reply writer");
}

Task<void> run_call(Connection* c, wire::rpc::Call call) {
  InFlight guard(c);
  struct Counted {
    Counted() { server_metrics().in_flight.inc(); }
    ~Counted() { server_metrics().in_flight.dec(); }
  } counted;
  auto started = std::chrono::steady_clock::now();
  std::string error;
  std::string result;
  bool failed = true;
  // Go looks the method up before it reads the argument: a lookup error wins.
  const Handler* handler = c->registry->find(call.reply_to.method, &error);
  if (handler != nullptr) {
    if (!call.error.empty()) {
      error = std::move(call.error);
    } else {
      try {
        result = co_await (*handler)(std::move(call.payload));
        failed = false;
      } catch (const Cancelled&) {
        if (c->token.cancelled()) co_return;  // the connection is being cut: nobody to answer
        error = "rpc: call cancelled";
      } catch (const std::exception& e) {
        error = e.what();
      } catch (...) {
        error = "rpc: handler failed";
      }
    }
  }
  record_call(handler ? std::string_view(call.reply_to.method) : std::string_view("unknown"),
              !failed,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (c->broken) co_return;
  if (failed)
    c->codec->encode_error(c->out, call.reply_to, error);
  else
    c->codec->encode_reply(c->out, call.reply_to, result);
  send(c);
}

// Answers a frame that failed to decode, when it can be matched to a call; true if it did.
bool answer_decode_error(Connection* c) {
  server_metrics().decode_errors.inc();
  auto to = c->codec->error_reply_to();
  log::info("rpc connection {}: {}", c->stream.peer(), c->codec->error());
  if (!to || c->broken) return false;
  c->codec->encode_error(c->out, *to, c->codec->error());
  send(c);
  return true;
}

// After an error reply, what the peer still sends is read and dropped (until it pauses, at
// most a second) before the close: closing with unread bytes would reset the connection, and
// the reset can destroy the error reply before the peer reads it.
Task<void> discard_input(Connection* c) {
  constexpr std::size_t kMaxDiscard = 4 << 20;
  constexpr std::uint64_t kQuiet = 200;
  const std::uint64_t deadline = Loop::current().now_ms() + 1000;
  std::size_t discarded = 0;
  try {
    for (;;) {
      discarded += c->stream.input().size();
      c->stream.input().consume(c->stream.input().size());
      std::uint64_t now = Loop::current().now_ms();
      if (discarded > kMaxDiscard || now >= deadline) break;
      if (co_await c->stream.read_some(Duration(std::min(kQuiet, deadline - now))) == 0) break;
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

Task<void> serve_connection(Server* server, std::unique_ptr<Connection> conn) {
  Connection* c = conn.get();  // leaves the server's set when this coroutine ends
  // Read before the first wait: the server may be gone when this coroutine resumes.
  const ServerOptions& opt = server->options_;
  const Duration idle_timeout = opt.idle_timeout;
  const Duration frame_timeout = opt.frame_timeout;
  const std::size_t max_in_flight = opt.max_in_flight;
  Buffer& in = c->stream.input();
  c->stream.set_nodelay(true);
  std::uint64_t frame_started_at = 0;
  bool linger = false;

  try {
    while (in.empty()) {
      if (co_await c->stream.read_some(idle_timeout) == 0) throw NetError(UV_EOF, "rpc connection");
    }
    c->codec = wire::rpc::make_server_codec(wire::rpc::detect_codec(in.readable()[0]));
    for (;;) {
      bool fatal = false;
      c->decoding = true;
      for (;;) {
        if (c->in_flight >= max_in_flight + (c->writing ? 1 : 0)) {
          c->decoding = false;
          flush(c);
          while (c->in_flight >= max_in_flight + (c->writing ? 1 : 0)) co_await c->progress.wait();
          c->decoding = true;
        }
        auto p = c->codec->feed(in.readable());
        in.consume(p.consumed);
        if (p.status == wire::rpc::DecodeStatus::need_more) break;
        if (p.status == wire::rpc::DecodeStatus::error) {
          fatal = true;
          break;
        }
        spawn(run_call(c, c->codec->take()), &c->token, "rpc call");
      }
      c->decoding = false;
      flush(c);  // the replies of calls that completed during the batch, in one write
      if (fatal) {
        linger = answer_decode_error(c);
        break;
      }
      Duration wait = idle_timeout;
      if (c->codec->partial()) {
        std::uint64_t now = Loop::current().now_ms();
        if (frame_started_at == 0) frame_started_at = now;
        std::uint64_t deadline =
            frame_started_at + static_cast<std::uint64_t>(frame_timeout.count());
        wait = Duration(deadline > now ? deadline - now : 1);
      } else {
        frame_started_at = 0;
      }
      try {
        if (co_await c->stream.read_some(wait) == 0) break;  // the peer closed
      } catch (const TimeoutError&) {
        // Calls in flight keep a quiet connection open; an unfinished frame does not.
        if (c->codec->partial() || c->in_flight == 0) throw;
      }
    }
  } catch (const TimeoutError&) {
    log::debug("rpc connection: timed out");
  } catch (const Cancelled&) {
  } catch (const NetError&) {
  }
  // Calls in flight finish and are answered (unless the connection is cut), then it closes.
  while (c->in_flight > 0) co_await c->progress.wait_uncancellable();
  if (linger && !c->broken) co_await discard_input(c);
  c->stream.close();
}

namespace {
void count_refused() { server_metrics().rejected_connections.inc(); }
}  // namespace

Server::Server(ServerOptions options, std::shared_ptr<const Registry> registry)
    : options_(std::move(options)),
      registry_(std::move(registry)),
      tcp_({options_.host, options_.port, options_.reuse_port, options_.max_connections},
           &count_refused) {}

Server::~Server() = default;

void Server::start() {
  tcp_.start([this](TcpStream stream) { accept(std::move(stream)); });
}

void Server::accept(TcpStream stream) {
  auto conn = std::make_unique<Connection>();
  Connection* c = conn.get();
  c->registry = registry_;
  c->write_timeout = options_.write_timeout;
  c->stream = std::move(stream);
  tcp_.connections().add(*c);
  spawn(serve_connection(this, std::move(conn)), &c->read_token, "rpc connection");
}

namespace {
// Reading stops on every connection, busy or not; each closes once its calls in flight are
// answered.
void stop_reading(ConnectionSet::Member& m) { static_cast<Connection&>(m).read_token.cancel(); }
}  // namespace

Task<void> Server::drain() { co_await tcp_.drain(&stop_reading); }

}  // namespace core::rpc
