// The pool of SMTP sessions of one Client, and the send path: take an idle session (or open
// one, or wait for one within the deadline), run the transaction, give the session back.
#include "core/smtp/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/runtime/wait_list.hpp"
#include "core/runtime/cancel.hpp"
#include "core/runtime/loop.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/timer.hpp"
#include "core/smtp/connection.hpp"
#include "core/smtp/tls.hpp"
#include "wire/mail/address.hpp"
#include "wire/smtp/commands.hpp"

namespace core::smtp {

namespace {

void check_path(const std::string& address, const char* what) {
  if (const char* why = wire::mail::address_problem(address)) {
    throw std::invalid_argument(fmt::format("smtp: invalid {} address: {}", what, why));
  }
}

// Worth one more try on a fresh session: the pooled one was found closed (or closing) before
// the message went out, so nothing of this mail reached the relay's queue.
bool stale(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.kind == Error::Kind::closed && !e.outcome_unknown;
  } catch (...) {
    return false;
  }
}

}  // namespace

struct Client::Impl {
  using Connection = detail::Connection;

  explicit Impl(SmtpOptions o) : options(std::move(o)) {
    if (options.encryption != Encryption::none) tls = std::make_unique<TlsContext>(options.ca_file);
    if (options.max_connections == 0) options.max_connections = 1;
  }
  ~Impl() {
    for (auto& c : idle) c->close();
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // The right to one connection slot for the time of a send. Destroyed without release()
  // (a failure, a timeout, a cancellation) it closes the session: one that is out of step with
  // the relay never goes back to the pool.
  class Lease {
   public:
    Lease(Impl* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& o) noexcept
        : pool_(std::exchange(o.pool_, nullptr)), conn_(std::move(o.conn_)), reused_(o.reused_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_) pool_->give_back(std::move(conn_));
    }
    Connection* conn() const noexcept { return conn_.get(); }
    bool reused() const noexcept { return reused_; }
    void attach(std::unique_ptr<Connection> c) noexcept { conn_ = std::move(c); reused_ = false; }
    void mark_reused() noexcept { reused_ = true; }
    /// Closes the session but keeps the slot.
    void drop() noexcept {
      if (conn_) conn_->close();
      conn_.reset();
    }

   private:
    Impl* pool_;
    std::unique_ptr<Connection> conn_;
    bool reused_ = false;
  };

  // An idle session when there is one, else a free slot (conn() null: open one), else waits.
  Task<Lease> acquire() {
    for (;;) {
      while (!idle.empty()) {
        std::unique_ptr<Connection> c = std::move(idle.back());
        idle.pop_back();
        if (c->idle() && !expired(*c)) {
          Lease lease(this, std::move(c));
          lease.mark_reused();
          co_return lease;
        }
        c->close();
        --open;
      }
      if (open < options.max_connections) {
        ++open;
        co_return Lease(this, nullptr);
      }
      if (waiting >= options.queue_capacity) throw PoolFull("smtp connection");
      ++waiting;
      try {
        co_await waiters.wait();
      } catch (...) {
        --waiting;
        throw;
      }
      --waiting;
    }
  }

  void give_back(std::unique_ptr<Connection> c) noexcept {
    if (c && c->idle()) {
      c->idle_since_ms = Loop::current().now_ms();
      idle.push_back(std::move(c));
      arm_sweep();
    } else {
      if (c) c->close();
      --open;
    }
    waiters.notify_one();
  }

  bool expired(const Connection& c) const noexcept {
    return Loop::current().now_ms() - c.idle_since_ms >=
           static_cast<std::uint64_t>(options.idle_timeout.count());
  }

  void arm_sweep() {
    if (sweep_timer.active()) return;
    sweep_timer.unref();  // idle sessions keep no loop alive
    const Duration every(std::clamp<std::int64_t>(options.idle_timeout.count() / 2, 10, 5000));
    sweep_timer.start(every, every, &Impl::on_sweep, this);
  }

  static void on_sweep(void* self) { static_cast<Impl*>(self)->sweep(); }

  // Closes sessions idle past idle_timeout, or that the relay closed or spoke on meanwhile.
  void sweep() {
    std::size_t kept = 0;
    for (auto& c : idle) {
      if (c->idle() && !expired(*c)) {
        idle[kept++] = std::move(c);
      } else {
        c->close();
        --open;
        waiters.notify_one();
      }
    }
    idle.resize(kept);
    if (idle.empty()) sweep_timer.stop();
  }

  Task<void> deliver(std::string mail_from, std::vector<std::string> recipients,
                     std::string payload) {
    for (int attempt = 0;; ++attempt) {
      Lease lease = co_await acquire();
      if (lease.conn() == nullptr) {
        lease.attach(co_await Connection::open(options, tls.get()));
        ++connects;
      }
      std::exception_ptr error;
      try {
        co_await lease.conn()->send(mail_from, recipients, payload);
        ++sent;
        co_return;  // the lease gives the session back
      } catch (const Cancelled&) {
        throw;
      } catch (...) {
        error = std::current_exception();
      }
      // A pooled session the relay had closed (or was closing: 421) before any of this mail
      // went out: once more on a new one.
      if (attempt == 0 && lease.reused() && stale(error)) continue;
      std::rethrow_exception(error);
    }
  }

  SmtpOptions options;
  std::unique_ptr<TlsContext> tls;
  std::vector<std::unique_ptr<Connection>> idle;  // oldest first; reuse takes the newest
  std::size_t open = 0;                           // slots taken: idle + busy + connecting
  std::size_t waiting = 0;
  WaitList waiters;  // sends waiting for a slot
  Timer sweep_timer;
  std::size_t connects = 0;
  std::size_t sent = 0;
};

Client::Client(SmtpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Task<void> Client::send(Envelope e) {
  check_path(e.mail_from, "mail_from");
  if (e.recipients.empty()) throw std::invalid_argument("smtp: no recipient");
  for (const std::string& r : e.recipients) check_path(r, "recipient");
  Impl* self = impl_.get();
  std::string payload = wire::smtp::data_payload(e.message);
  co_await with_timeout(
      self->deliver(std::move(e.mail_from), std::move(e.recipients), std::move(payload)),
      self->options.timeout);
}

std::size_t Client::connections_opened() const noexcept { return impl_->connects; }
std::size_t Client::sent() const noexcept { return impl_->sent; }
std::size_t Client::connections_open() const noexcept { return impl_->open; }
const SmtpOptions& Client::options() const noexcept { return impl_->options; }

}  // namespace core::smtp
