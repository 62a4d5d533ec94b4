#include "core/amqp/connection.hpp"

#include "core/amqp/connection_core.hpp"

namespace core::amqp {

const char* to_string(ConnectionState state) noexcept {
  switch (state) {
    case ConnectionState::disconnected:
      return "disconnected";
    case ConnectionState::connecting:
      return "connecting";
    case ConnectionState::open:
      return "open";
    case ConnectionState::closing:
      return "closing";
    case ConnectionState::closed:
      return "closed";
  }
  return "unknown";
}

Connection::Connection(ConnectionOptions options)
    : core_(std::make_shared<detail::ConnectionCore>(std::move(options))) {}

Connection::~Connection() {
  if (core_->state() != ConnectionState::closed) core_->abandon();
}

void Connection::start() { core_->start(); }
ConnectionState Connection::state() const noexcept { return core_->state(); }
bool Connection::blocked() const noexcept { return core_->blocked(); }
bool Connection::ready() const noexcept { return core_->ready(); }
const std::string& Connection::last_error() const noexcept { return core_->last_error(); }
std::uint64_t Connection::connects() const noexcept { return core_->connects(); }
Publisher& Connection::publisher() noexcept { return core_->publisher(); }
void Connection::abort_socket() noexcept { core_->abort_socket(); }

Task<void> Connection::wait_open(Duration timeout) {
  co_await with_timeout(core_->wait_state(false), timeout);
}

Task<void> Connection::wait_ready(Duration timeout) {
  co_await with_timeout(core_->wait_state(true), timeout);
}

Consumer& Connection::consume(std::string queue, std::uint16_t prefetch, Handler handler,
                              std::size_t concurrency) {
  return core_->consume(std::move(queue), prefetch, std::move(handler), concurrency);
}

Task<void> Connection::close(Duration grace) { co_await core_->close(grace); }

}  // namespace core::amqp
