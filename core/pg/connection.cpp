#include "core/pg/connection.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/log/log.hpp"
#include "core/pg/error.hpp"
#include "core/pg/pool.hpp"

namespace core::pg {

namespace {
// NOTICEs and WARNINGs ("relation already exists, skipping") are not errors; libpq's default
// would print them to stderr, outside our JSON log lines.
void log_notice(void*, const char* message) {
  std::string_view text(message ? message : "");
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  log::debug("pg notice: {}", text);
}
}  // namespace

Connection::Connection(int index, const PoolOptions& options, const ConnInfo& conninfo,
                       CancelSender& canceller, std::function<void(Connection&)> on_change)
    : index_(index),
      options_(options),
      conninfo_(conninfo),
      canceller_(canceller),
      on_change_(std::move(on_change)),
      backoff_(options.reconnect_min) {}

Connection::~Connection() { close("pool closed"); }

void Connection::start() { connect(); }

void Connection::close(const std::string& why) {
  resolver_.cancel();
  unwatch();
  timer_.close();
  conn_.reset();
  state_ = State::closed;
  auto lost = std::move(inflight_);
  inflight_.clear();
  for (auto& req : lost) req->finish(std::make_exception_ptr(ConnectionError(why)));
}

void Connection::connect() {
  state_ = State::connecting;
  // libpq's own connect_timeout applies to blocking connects only: the deadline is ours, and
  // covers the host name lookup too.
  arm_timer(options_.connect_timeout);
  if (conninfo_.host_to_resolve().empty()) return begin_connect({});
  resolve();
}

void Connection::resolve() {
  const std::string& host = conninfo_.host_to_resolve();
  if (int rc = resolver_.start(host, 0, &Connection::on_resolved, this); rc < 0) {
    fail(fmt::format("could not resolve \"{}\": {}", host, uv_strerror(rc)));
  }
}

void Connection::on_resolved(void* arg, int status, std::vector<sockaddr_storage>& found) {
  auto* self = static_cast<Connection*>(arg);
  std::vector<std::string> addresses;
  for (const sockaddr_storage& addr : found) {
    if (addresses.size() == 4) break;
    std::string text = address_text(addr);
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.push_back(std::move(text));
    }
  }
  if (addresses.empty()) {
    self->fail(fmt::format("could not resolve \"{}\": {}", self->conninfo_.host_to_resolve(),
                           status < 0 ? uv_strerror(status) : "no address"));
  } else {
    self->begin_connect(addresses);
  }
  self->notify();
}

void Connection::begin_connect(const std::vector<std::string>& addresses) {
  conn_.reset(conninfo_.start(addresses));
  if (!conn_) return fail("out of memory");
  if (PQstatus(conn_.get()) == CONNECTION_BAD) return fail(conn_error(conn_.get()));
  PQsetNoticeProcessor(conn_.get(), &log_notice, nullptr);
  // After PQconnectStart the socket is to be polled for writing first.
  watch(Poll::writable);
}

void Connection::connect_step() {
  // PQconnectPoll may close the socket and open another (next address, SSL fallback), often
  // under the same fd number; the poll of the old one is stopped before that, and a new one made
  // for whatever PQsocket is afterwards (an fd closed while polled leaves libuv watching nothing).
  unwatch();
  switch (PQconnectPoll(conn_.get())) {
    case PGRES_POLLING_OK:
      return established();
    case PGRES_POLLING_READING:
      return watch(Poll::readable);
    case PGRES_POLLING_WRITING:
      return watch(Poll::writable);
    default:
      return fail(conn_error(conn_.get()));
  }
}

void Connection::established() {
  PGconn* c = conn_.get();
  if (PQsetnonblocking(c, 1) != 0 || PQenterPipelineMode(c) != 1) return fail(conn_error(c));
  timer_.stop();
  state_ = State::ready;
  ++session_;
  prepared_.clear();
  want_write_ = false;
  backoff_ = options_.reconnect_min;
  if (failures_ > 0 || session_ > 1) {
    log::info("pg connection {} established (server pid {})", index_, PQbackendPID(c));
  }
  failures_ = 0;
  last_error_.clear();
  watch(Poll::readable);
  changed_ = true;
}

void Connection::fail(const std::string& why) {
  bool was_ready = state_ == State::ready;
  resolver_.cancel();
  unwatch();  // before PQfinish closes the fd
  conn_.reset();
  prepared_.clear();
  want_write_ = false;
  pinned = false;  // the session it was pinned for is gone
  last_error_ = why;
  auto lost = std::move(inflight_);
  inflight_.clear();
  if (was_ready) {
    log::warn("pg connection {} lost ({} requests in flight): {}", index_, lost.size(), why);
  } else if (failures_ == 0) {
    log::warn("pg connection {} could not connect (retrying): {}", index_, why);
  } else {
    log::debug("pg connection {} could not connect: {}", index_, why);
  }
  for (auto& req : lost) {
    req->finish(std::make_exception_ptr(ConnectionError(fmt::format("connection lost: {}", why))));
  }
  ++failures_;
  state_ = State::backoff;
  arm_timer(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
  changed_ = true;
}

void Connection::watch(int events) {
  if (poll_.is_open() && events == poll_.events()) return;
  if (!poll_.is_open()) {
    int fd = PQsocket(conn_.get());
    if (fd < 0) return fail("connection has no socket");
    if (int rc = poll_.open(fd); rc < 0) {
      return fail(fmt::format("uv_poll_init: {}", uv_strerror(rc)));
    }
  }
  poll_.start(events, &Connection::on_poll, this);
}

void Connection::unwatch() { poll_.close(); }

void Connection::arm_timer(Duration d) { timer_.start(d, &Connection::on_timer, this); }

void Connection::on_poll(void* arg, int status, int events) {
  auto* self = static_cast<Connection*>(arg);
  if (status < 0) {
    // libuv reports POLLERR (a refused connect, a reset) as UV_EBADF and stops the poll; libpq
    // finds the real error when it reads the socket.
    if (self->state_ == State::connecting) {
      self->connect_step();
    } else if (self->state_ == State::ready) {
      PGconn* c = self->conn_.get();
      self->fail(PQconsumeInput(c) ? fmt::format("poll: {}", uv_strerror(status)) : conn_error(c));
    }
  } else if (self->state_ == State::connecting) {
    self->connect_step();
  } else if (self->state_ == State::ready) {
    self->on_io(events);
  }
  self->notify();
}

void Connection::on_timer(void* arg) {
  auto* self = static_cast<Connection*>(arg);
  if (self->state_ == State::connecting) {
    self->fail(
        fmt::format("connect timed out after {} ms", self->options_.connect_timeout.count()));
  } else if (self->state_ == State::backoff) {
    self->connect();
  } else if (self->state_ == State::ready) {
    self->cancel_head_if_abandoned();
  }
  self->notify();
}

void Connection::notify() {
  while (changed_) {
    changed_ = false;
    on_change_(*this);
  }
}

}  // namespace core::pg
