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

// A lookup outlives the connection that asked for it until libuv calls back.
struct Connection::Resolving {
  uv_getaddrinfo_t req;
  Connection* owner;
};

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
  stop_resolving();
  unwatch();
  if (timer_) {
    close_handle(timer_);
    timer_ = nullptr;
  }
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
  auto* r = new Resolving{{}, this};
  r->req.data = r;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = uv_getaddrinfo(Loop::current().uv(), &r->req, &Connection::on_resolved,
                          conninfo_.host_to_resolve().c_str(), nullptr, &hints);
  if (rc < 0) {
    delete r;
    return fail(
        fmt::format("could not resolve \"{}\": {}", conninfo_.host_to_resolve(), uv_strerror(rc)));
  }
  resolving_ = r;
}

void Connection::on_resolved(uv_getaddrinfo_t* req, int status, struct addrinfo* res) {
  auto* r = static_cast<Resolving*>(req->data);
  Connection* self = r->owner;
  std::vector<std::string> addresses;
  for (addrinfo* ai = status == 0 ? res : nullptr; ai && addresses.size() < 4; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (ai->ai_family == AF_INET6) {
      uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(ai->ai_addr), buf, sizeof buf);
    } else if (ai->ai_family == AF_INET) {
      uv_ip4_name(reinterpret_cast<const sockaddr_in*>(ai->ai_addr), buf, sizeof buf);
    } else {
      continue;
    }
    if (std::find(addresses.begin(), addresses.end(), buf) == addresses.end()) {
      addresses.emplace_back(buf);
    }
  }
  uv_freeaddrinfo(res);
  delete r;
  if (!self) return;  // given up meanwhile
  self->resolving_ = nullptr;
  if (addresses.empty()) {
    self->fail(fmt::format("could not resolve \"{}\": {}", self->conninfo_.host_to_resolve(),
                           status < 0 ? uv_strerror(status) : "no address"));
  } else {
    self->begin_connect(addresses);
  }
  self->notify();
}

void Connection::stop_resolving() {
  if (!resolving_) return;
  resolving_->owner = nullptr;
  uv_cancel(reinterpret_cast<uv_req_t*>(&resolving_->req));  // the callback still comes
  resolving_ = nullptr;
}

void Connection::begin_connect(const std::vector<std::string>& addresses) {
  conn_.reset(conninfo_.start(addresses));
  if (!conn_) return fail("out of memory");
  if (PQstatus(conn_.get()) == CONNECTION_BAD) return fail(conn_error(conn_.get()));
  PQsetNoticeProcessor(conn_.get(), &log_notice, nullptr);
  // After PQconnectStart the socket is to be polled for writing first.
  watch(UV_WRITABLE);
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
      return watch(UV_READABLE);
    case PGRES_POLLING_WRITING:
      return watch(UV_WRITABLE);
    default:
      return fail(conn_error(conn_.get()));
  }
}

void Connection::established() {
  PGconn* c = conn_.get();
  if (PQsetnonblocking(c, 1) != 0 || PQenterPipelineMode(c) != 1) return fail(conn_error(c));
  if (timer_) uv_timer_stop(timer_);
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
  watch(UV_READABLE);
  changed_ = true;
}

void Connection::fail(const std::string& why) {
  bool was_ready = state_ == State::ready;
  stop_resolving();
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
  if (poll_ && events == poll_events_) return;
  if (!poll_) {
    int fd = PQsocket(conn_.get());
    if (fd < 0) return fail("connection has no socket");
    auto* handle = new_handle<uv_poll_t>();
    int rc = uv_poll_init(Loop::current().uv(), handle, fd);
    if (rc < 0) {
      ::operator delete(handle);  // never initialised, so never closed
      return fail(fmt::format("uv_poll_init: {}", uv_strerror(rc)));
    }
    handle->data = this;
    poll_ = handle;
  }
  poll_events_ = events;
  uv_poll_start(poll_, events, &Connection::on_poll);
}

void Connection::unwatch() {
  if (!poll_) return;
  poll_->data = nullptr;
  close_handle(poll_);  // uv_close stops the poll at once
  poll_ = nullptr;
  poll_events_ = 0;
}

void Connection::arm_timer(Duration d) {
  if (!timer_) {
    timer_ = new_handle<uv_timer_t>();
    uv_timer_init(Loop::current().uv(), timer_);
    timer_->data = this;
  }
  uv_timer_start(timer_, &Connection::on_timer, static_cast<std::uint64_t>(d.count()), 0);
}

void Connection::on_poll(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<Connection*>(handle->data);
  if (!self) return;
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

void Connection::on_timer(uv_timer_t* timer) {
  auto* self = static_cast<Connection*>(timer->data);
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
