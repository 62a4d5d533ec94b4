#include "core/http/connection_pool.hpp"

#include <algorithm>

#include "core/net/tcp_connect.hpp"

namespace core::http {

namespace {
// Serialization buffers kept for reuse: enough for the requests a worker has in flight at
// once in the common case, without holding on to the odd large body.
constexpr std::size_t kSpareBuffers = 64;
constexpr std::size_t kSpareBufferCapacity = 16 * 1024;

std::uint64_t now_ms() { return Loop::current().now_ms(); }
}  // namespace

// --- Lease ---------------------------------------------------------------------------------

Lease::~Lease() {
  if (host_) host_->pool->discard(*host_, std::move(conn_));
}

void Lease::drop() noexcept {
  if (conn_) host_->pool->close_connection(std::move(conn_));
}

void Lease::release(bool keep) noexcept {
  HostPool* host = std::exchange(host_, nullptr);
  if (host) host->pool->release(*host, std::move(conn_), keep);
}

// --- ConnectionPool ------------------------------------------------------------------------

ConnectionPool::ConnectionPool(ClientOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() {
  // Requests in flight must be over (see Client): only idle connections are left to close.
  for (auto& [key, host] : hosts_) {
    for (auto& conn : host->idle) conn->stream.close();
  }
}

HostPool& ConnectionPool::host(const HttpUrl& url) {
  auto it = hosts_.find(std::string_view(url.authority));
  if (it != hosts_.end()) return *it->second;
  auto host = std::make_unique<HostPool>();
  host->pool = this;
  host->host = url.host;
  host->port = url.port;
  HostPool& ref = *host;
  hosts_.emplace(url.authority, std::move(host));
  return ref;
}

ConnectionPool::AcquireAwaiter ConnectionPool::acquire(HostPool& host) {
  return AcquireAwaiter(this, &host);
}

Task<std::unique_ptr<ClientConnection>> ConnectionPool::connect(HostPool* host) {
  TcpStream stream = co_await tcp_connect(host->host, host->port, options_.connect_timeout);
  ++opened_;
  co_return std::make_unique<ClientConnection>(std::move(stream), options_.limits);
}

std::string ConnectionPool::take_buffer() {
  if (spare_buffers_.empty()) return {};
  std::string b = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  return b;
}

void ConnectionPool::give_buffer(std::string buffer) {
  if (spare_buffers_.size() >= kSpareBuffers || buffer.capacity() > kSpareBufferCapacity) return;
  buffer.clear();
  spare_buffers_.push_back(std::move(buffer));
}

bool ConnectionPool::usable(const ClientConnection& conn, std::uint64_t now) const {
  // An idle connection keeps reading (libuv's read stays armed), so a close or stray bytes
  // from the server show up here without a syscall.
  const StreamState* s = conn.stream.state();
  return s != nullptr && !s->eof && s->read_error == 0 && !s->closing() && s->in.empty() &&
         now - conn.idle_since_ms < static_cast<std::uint64_t>(options_.idle_timeout.count());
}

void ConnectionPool::close_connection(std::unique_ptr<ClientConnection> conn) {
  if (conn) conn->stream.close();
}

SlotAwaiter* ConnectionPool::next_waiter(HostPool& host) {
  SlotAwaiter* w = host.first_waiter;
  if (w) w->unlink();
  return w;
}

void ConnectionPool::release(HostPool& host, std::unique_ptr<ClientConnection> conn, bool keep) {
  if (keep && conn) {
    if (SlotAwaiter* w = next_waiter(host)) {
      w->grant(std::move(conn));  // the slot moves with it: `open` is unchanged
      return;
    }
    if (host.idle.size() < options_.max_idle_per_host) {
      conn->idle_since_ms = now_ms();
      host.idle.push_back(std::move(conn));
      ++idle_count_;
      arm_sweep();
      return;
    }
  }
  discard(host, std::move(conn));
}

void ConnectionPool::discard(HostPool& host, std::unique_ptr<ClientConnection> conn) {
  close_connection(std::move(conn));
  if (SlotAwaiter* w = next_waiter(host)) {
    w->grant(nullptr);  // the freed slot goes straight to the first waiter
    return;
  }
  --host.open;
}

void ConnectionPool::arm_sweep() {
  if (sweep_timer_.active()) return;
  sweep_timer_.unref();  // idle connections alone must not keep a loop running
  const Duration every(std::clamp<std::int64_t>(options_.idle_timeout.count() / 2, 10, 5000));
  sweep_timer_.start(every, every, &ConnectionPool::on_sweep, this);
}

void ConnectionPool::on_sweep(void* pool) { static_cast<ConnectionPool*>(pool)->sweep(); }

void ConnectionPool::sweep() {
  const std::uint64_t now = now_ms();
  for (auto& [key, host] : hosts_) {
    auto& idle = host->idle;
    for (std::size_t i = 0; i < idle.size();) {
      if (usable(*idle[i], now)) {
        ++i;
        continue;
      }
      std::unique_ptr<ClientConnection> stale = std::move(idle[i]);
      idle.erase(idle.begin() + static_cast<std::ptrdiff_t>(i));
      --idle_count_;
      discard(*host, std::move(stale));
    }
  }
  if (idle_count_ == 0) sweep_timer_.stop();
}

// --- SlotAwaiter ---------------------------------------------------------------------------

bool SlotAwaiter::await_ready() {
  HostPool& host = *host_;
  const std::uint64_t now = now_ms();
  // Newest first: it is the least likely to have been closed by the server meanwhile.
  while (!host.idle.empty()) {
    std::unique_ptr<ClientConnection> conn = std::move(host.idle.back());
    host.idle.pop_back();
    --pool_->idle_count_;
    if (pool_->usable(*conn, now)) {
      ready_.emplace(host_, std::move(conn), true);
      return true;
    }
    pool_->close_connection(std::move(conn));
    --host.open;
  }
  if (host.open < pool_->options_.max_connections_per_host) {
    ++host.open;
    ready_.emplace(host_, nullptr, false);
    return true;
  }
  return false;
}

void SlotAwaiter::start() {
  HostPool& host = *host_;
  queued_ = true;
  prev_ = host.last_waiter;
  if (host.last_waiter)
    host.last_waiter->next_ = this;
  else
    host.first_waiter = this;
  host.last_waiter = this;
}

void SlotAwaiter::unlink() noexcept {
  if (!queued_) return;
  HostPool& host = *host_;
  if (prev_)
    prev_->next_ = next_;
  else
    host.first_waiter = next_;
  if (next_)
    next_->prev_ = prev_;
  else
    host.last_waiter = prev_;
  next_ = prev_ = nullptr;
  queued_ = false;
}

void SlotAwaiter::grant(std::unique_ptr<ClientConnection> conn) {
  const bool reused = conn != nullptr;
  // Held by the awaiter until it resumes: destroyed unresumed, the lease frees the slot again.
  complete(Resume::next_turn, Lease(host_, std::move(conn), reused));
}

Lease SlotAwaiter::await_resume() {
  if (ready_) return std::move(*ready_);  // await_ready found one
  return CallbackAwaiter<Lease>::await_resume();
}

}  // namespace core::http
